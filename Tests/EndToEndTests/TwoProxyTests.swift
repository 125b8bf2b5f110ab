import DozeJSON
import Foundation
import KubeClient
import TestSupport
import Testing

extension EndToEnd {
    /// Two proxy replicas registered in doze-system/doze-proxy-admin: the controller counts
    /// activity from both, and when one dies (SIGKILL, its endpoint still listed) waking through
    /// the other works and the App still goes to sleep.
    @Suite struct TwoProxyTests {
        @Test func secondReplicaCountsItsTrafficAndKillingItKeepsWakeAndSleepWorking() async throws {
            let dir = try TempDir.make("e2e-pair")
            defer { try? FileManager.default.removeItem(at: dir) }
            let app = try WakeTests.pidApp("pair", idle: "2s", dir: dir)
            let dev = try await DevSession.start(apps: [app.yaml])
            let extra = try PeerProcess(try DozeBinary.path(), ["proxy", "--kubeconfig", dev.kubeconfig, "--port", "0",
                                                                "--admin-port", "0", "--replica-id", "extra"])
            defer { extra.stop() }
            let extraPort = try #require(await extra.port(after: "proxy listening on"), "\(extra.errorOutput)")
            let extraAdmin = try #require(await extra.port(after: "admin listening on"))
            try await register(extraAdmin, as: "extra", in: dev)

            // Woken through the extra replica.
            #expect(await httpRequest(port: extraPort, host: "pair.localhost").status == 200)
            #expect(Metrics.value("doze_proxy_wakes_total", in: await httpRequest(port: extraAdmin, "GET", "/metrics", host: "x").body) == 1)
            #expect(await dev.metric("doze_proxy_wakes_total") == 0)

            // Traffic through the extra replica only, for twice the idle timeout: the in-process
            // proxy sees none, so only the controller reading the extra replica keeps it awake.
            let busyUntil = ContinuousClock.now + .seconds(4)
            var sleptWhileBusy = false
            while ContinuousClock.now < busyUntil {
                #expect(await httpRequest(port: extraPort, host: "pair.localhost").status == 200)
                if try await dev.deployment("pair")[path: "spec", "replicas"].int == 0 { sleptWhileBusy = true }
                try await Task.sleep(for: .milliseconds(400))
            }
            #expect(!sleptWhileBusy, "the controller put the App to sleep while the extra replica served it")
            #expect(try await dev.deployment("pair")[path: "spec", "replicas"].int == 1)

            // The extra replica dies without a word; its endpoint stays in the slice.
            extra.signal(SIGKILL)
            #expect(await extra.waitForExit(within: 10) != nil)
            let killedAt = ContinuousClock.now
            #expect(try await dev.eventually(within: 20) { try await dev.deployment("pair")[path: "spec", "replicas"].int == 0 })
            #expect(ContinuousClock.now - killedAt < .seconds(8), "slept \(ContinuousClock.now - killedAt) after the kill")

            // Waking through the survivor, then asleep again.
            let r = await dev.get("pair.localhost")
            #expect(r.status == 200, "\(r.head)\(r.body)")
            #expect(await dev.metric("doze_proxy_wakes_total") == 1)
            #expect(try await dev.eventually(within: 20) { try await dev.deployment("pair")[path: "spec", "replicas"].int == 0 })
            #expect(await dev.stop() == 0)
        }

        /// An EndpointSlice of doze-system/doze-proxy-admin naming one more proxy replica (what a
        /// Deployment's pods would get from the endpointslice controller).
        func register(_ adminPort: Int, as replica: String, in dev: DevSession) async throws {
            let slice: JSON = [
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": ["name": .string("doze-proxy-admin-\(replica)"), "namespace": "doze-system",
                             "labels": ["kubernetes.io/service-name": "doze-proxy-admin"]],
                "addressType": "IPv4",
                "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true, "serving": true, "terminating": false]]],
                "ports": [["name": "admin", "port": JSON(adminPort), "protocol": "TCP"]],
            ]
            _ = try await dev.client.dynamicApi(.endpointSlice, namespace: "doze-system")
                .patch("doze-proxy-admin-\(replica)", .apply(slice, fieldManager: "e2e", force: true))
        }
    }
}
