import DozeJSON
import Foundation
import KubeClient
import Synchronization
import TestSupport
import Testing
@testable import Proxy

/// The wake path against an in-process local cluster running pods as real processes: Apps and
/// EndpointSlices watched through KubeClient, the Deployment scaled through the API, python's
/// http.server as the app.
@Suite(.serialized) struct WakeIntegrationTests {
    @Test func firstRequestToASleepingAppAnswers200AfterOneScaleCall() async throws {
        let cluster = try await WakeCluster { try await $0.app("web", spec: ["route": ["host": "web.test"]]) }
        defer { Task { await cluster.stop() } }
        let r = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "web.test")
        #expect(r.status == 200, "\(r.head)\(r.body)")
        #expect(r.body.contains("Directory listing"))
        #expect(cluster.deployment("default", "web")?[path: "spec", "replicas"].int == 1)
        #expect(cluster.wakes("default", "web") == 1)
        #expect(cluster.scaleWrites("default", "web") >= 1)
        // Awake now: the next request takes the warm path, no more scale calls.
        let again = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "web.test")
        #expect(again.status == 200)
        #expect(cluster.wakes("default", "web") == 1)
        #expect(cluster.proxy.metrics.wake.wakesTotal == 1)
        let metrics = await httpRequest(port: cluster.proxy.adminPort, "GET", "/metrics")
        #expect(metrics.body.contains("doze_proxy_wakes_total 1"))
        #expect(metrics.body.contains("doze_proxy_wake_duration_seconds_count 1"))
        await cluster.stop()
    }

    @Test func twoHundredConcurrentRequestsAllAnswer200WithOneScaleCall() async throws {
        let cluster = try await WakeCluster { try await $0.app("crowd", spec: ["route": ["host": "crowd.test"]]) }
        let port = cluster.proxy.port
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask { await httpRequest(port: port, "GET", "/?n=\(i)", host: "crowd.test").status }
            }
            return await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(statuses == [200: 200])
        #expect(cluster.wakes("default", "crowd") == 1)
        #expect(cluster.proxy.metrics.wake.wakesTotal == 1)
        #expect(cluster.proxy.apps.heldCount == 0)
        await cluster.stop()
    }

    @Test func startupTimeoutAnswers503WithRetryAfter() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("stuck", spec: ["route": ["host": "stuck.test"], "scaling": ["startupTimeout": "1s"]],
                             command: ["sleep", "30"])
        }
        let started = ContinuousClock.now
        let r = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "stuck.test")
        let waited = ContinuousClock.now - started
        #expect(r.status == 503)
        #expect(r.head.lowercased().contains("retry-after: 5"))
        #expect(r.body == "503 Service Unavailable: app default/stuck did not become ready within 1s (startup timeout)\n")
        #expect(waited >= .milliseconds(900) && waited < .seconds(10))
        #expect(cluster.wakes("default", "stuck") == 1)
        let metrics = await httpRequest(port: cluster.proxy.adminPort, "GET", "/metrics")
        #expect(metrics.body.contains("doze_proxy_rejected_total{cause=\"startup timeout\"} 1"))
        await cluster.stop()
    }

    /// `--wake-queue 1`: the first request waits for the App, the second is turned away at once.
    @Test func aFullWakeQueueAnswers503AtOnce() async throws {
        let cluster = try await WakeCluster(setup: {
            try await $0.app("narrow", spec: ["route": ["host": "narrow.test"], "scaling": ["startupTimeout": "3s"]],
                             command: ["sleep", "30"])
        }, proxyOptions: { $0.wakeQueue = 1 })
        let port = cluster.proxy.port
        async let first = httpRequest(port: port, "GET", "/", host: "narrow.test")
        #expect(await waitFor(seconds: 5) { cluster.proxy.apps.heldCount == 1 })
        let started = ContinuousClock.now
        let second = await httpRequest(port: port, "GET", "/", host: "narrow.test")
        #expect(second.status == 503)
        #expect(second.head.lowercased().contains("retry-after: 1"))
        #expect(second.body == "503 Service Unavailable: app default/narrow is starting and too many requests are waiting for it (queue full)\n")
        #expect(ContinuousClock.now - started < .seconds(2), "turned away without waiting")
        #expect(await first.status == 503, "the held one waits out the startup timeout")
        await cluster.stop()
    }

    @Test func fenceHoldsRequestsAndUnfenceReleasesThem() async throws {
        let cluster = try await WakeCluster { try await $0.app("fenced", spec: ["route": ["host": "fenced.test"]]) }
        let port = cluster.proxy.port, admin = cluster.proxy.adminPort
        #expect(await httpRequest(port: port, "GET", "/", host: "fenced.test").status == 200)  // wakes it

        let fence = await httpRequest(port: admin, "POST", "/fence", body: #"{"app":"default/fenced","ttlMillis":10000}"#)
        #expect(fence.status == 200)
        let answer = try JSON(parsing: Array(fence.body.utf8))
        #expect(answer["replica"] == "test-proxy" && answer["app"] == "default/fenced")
        #expect(answer["inFlight"] == 0 && answer["openTunnels"] == 0)

        let held = Task { await httpRequest(port: port, "GET", "/", host: "fenced.test") }
        let app = try #require(cluster.proxy.apps.runtime(named: "default/fenced"))
        #expect(await waitFor { app.heldCount == 1 })
        let activity = try JSON(parsing: Array(await httpRequest(port: admin, "GET", "/activity").body.utf8))
        #expect(activity["replica"] == "test-proxy")
        #expect(activity["apps"]["default/fenced"]["inFlight"] == 1, "a held request counts as in flight")

        // A held request whose client gives up leaves the queue.
        let quitter = try await onThread { [port] in
            let c = try RawClient(port: port)
            c.send("GET /quit HTTP/1.1\r\nHost: fenced.test\r\n\r\n")
            return SendableBox(c)
        }
        #expect(await waitFor { app.heldCount == 2 })
        quitter.value.shutdownBoth()
        #expect(await waitFor { app.heldCount == 1 })

        let unfence = await httpRequest(port: admin, "POST", "/unfence", body: #"{"app":"default/fenced","slept":false}"#)
        #expect(unfence.status == 200)
        #expect(try JSON(parsing: Array(unfence.body.utf8)) == ["replica": "test-proxy", "app": "default/fenced"])
        #expect(await held.value.status == 200)
        #expect(cluster.wakes("default", "fenced") == 1, "no wake while fenced or after slept:false")
        #expect(cluster.proxy.metrics.wake.wakesTotal == 1)

        let after = try JSON(parsing: Array(await httpRequest(port: admin, "GET", "/activity").body.utf8))
        #expect(after["apps"]["default/fenced"]["inFlight"] == 0)
        #expect((after["apps"]["default/fenced"]["idleMillis"].int ?? -1) >= 0)
        #expect(await httpRequest(port: admin, "POST", "/fence", body: "{}").status == 400)
        let unknown = await httpRequest(port: admin, "POST", "/fence", body: #"{"app":"default/nobody","ttlMillis":100}"#)
        #expect(unknown.status == 200 && unknown.body.contains(#""inFlight":0"#))
        await cluster.stop()
    }

    @Test func unfenceAfterSleepTakesTheWakePathInsteadOfTheOldPod() async throws {
        let cluster = try await WakeCluster { try await $0.app("napper", spec: ["route": ["host": "napper.test"]]) }
        let port = cluster.proxy.port, admin = cluster.proxy.adminPort
        #expect(await httpRequest(port: port, "GET", "/", host: "napper.test").status == 200)
        #expect(await cluster.eventually { cluster.readyEndpoints("default", "napper") == 1 })

        // The controller's sleep: fence, scale to 0, unfence slept:true, while a request waits.
        #expect(await httpRequest(port: admin, "POST", "/fence", body: #"{"app":"default/napper","ttlMillis":10000}"#).status == 200)
        let held = Task { await httpRequest(port: port, "GET", "/", host: "napper.test") }
        let app = try #require(cluster.proxy.apps.runtime(named: "default/napper"))
        #expect(await waitFor { app.heldCount == 1 })
        _ = try await cluster.client.api(Deployment.self, namespace: "default").scale("napper", replicas: 0)
        #expect(await httpRequest(port: admin, "POST", "/unfence", body: #"{"app":"default/napper","slept":true}"#).status == 200)

        let r = await held.value
        #expect(r.status == 200, "\(r.head)\(r.body) writes: \(cluster.log.lines.withLock { $0 })")
        #expect(cluster.wakes("default", "napper") == 2, "woken again by the held request")
        #expect(cluster.deployment("default", "napper")?[path: "spec", "replicas"].int == 1)
        await cluster.stop()
    }

    @Test func aPodKilledUnderTrafficNeverCausesA502() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("sturdy", spec: ["route": ["host": "sturdy.test"]], replicas: 1)
        }
        let port = cluster.proxy.port
        #expect(await cluster.eventually { cluster.readyEndpoints("default", "sturdy") == 1 })
        #expect(await httpRequest(port: port, "GET", "/", host: "sturdy.test").status == 200)
        let pod = try #require(cluster.pods("default", "sturdy").first)

        // Four clients loop while the pod is deleted (its process gets SIGTERM and exits at once).
        let stop = StopFlag()
        let clients = (0..<4).map { _ in
            Task { () -> ([Int: Int], [String]) in
                var seen: [Int: Int] = [:], odd: [String] = []
                while !stop.isSet {
                    let r = await httpRequest(port: port, "GET", "/", host: "sturdy.test")
                    seen[r.status, default: 0] += 1
                    if r.status != 200 { odd.append("\(r.status) \(r.head.prefix(200))") }
                }
                return (seen, odd)
            }
        }
        _ = try await cluster.client.api(Pod.self, namespace: "default").delete(pod)
        #expect(await cluster.eventually { cluster.pods("default", "sturdy").contains { $0 != pod } && cluster.readyEndpoints("default", "sturdy") == 1 })
        #expect(await httpRequest(port: port, "GET", "/", host: "sturdy.test").status == 200)
        stop.set()
        var total: [Int: Int] = [:], odd: [String] = []
        for c in clients {
            let (seen, o) = await c.value
            for (k, v) in seen { total[k, default: 0] += v }
            odd += o
        }
        // Every request got the app's 200. The one exception the proxy cannot undo: a response
        // the app had begun when it was killed reaches the client cut short (never a 502).
        #expect(total[200, default: 0] > 0)
        #expect(total.keys.allSatisfy { $0 == 200 || $0 == 0 }, "\(total) \(odd)")
        #expect(odd.allSatisfy { $0.contains("closed inside a body") }, "\(odd)")
        await cluster.stop()
    }

    /// The scale call fails while the Deployment does not exist yet (the controller is slow):
    /// it is retried with backoff while the request waits, and the request still gets 200.
    @Test func aFailedScaleCallIsRetriedWhileRequestsWait() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("late", spec: ["route": ["host": "late.test"]], withDeployment: false)
        }
        let request = Task { await httpRequest(port: cluster.proxy.port, "GET", "/", host: "late.test") }
        #expect(await waitFor { cluster.scaleWrites("default", "late") >= 1 }, "the first scale call (404)")
        try await WakeCluster.Setup(client: cluster.client).deployment("late")
        let r = await request.value
        #expect(r.status == 200, "\(r.head)\(r.body)")
        #expect(cluster.scaleWrites("default", "late") >= 2)
        #expect(cluster.deployment("default", "late")?[path: "spec", "replicas"].int == 1)
        await cluster.stop()
    }

    @Test func onlyTheWatchedNamespacesAreRouted() async throws {
        let cluster = try await WakeCluster(namespaces: ["team-a", "team-c"]) {
            try await $0.app("inside", namespace: "team-a", spec: ["route": ["host": "inside.test"]])
            try await $0.app("also", namespace: "team-c", spec: ["route": ["host": "also.test"]])
            try await $0.app("outside", namespace: "team-b", spec: ["route": ["host": "outside.test"]])
        }
        #expect(await httpRequest(port: cluster.proxy.port, "GET", "/", host: "inside.test").status == 200)
        #expect(await httpRequest(port: cluster.proxy.port, "GET", "/", host: "also.test").status == 200)
        let out = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "outside.test")
        #expect(out.status == 404)
        #expect(cluster.scaleWrites("team-b", "outside") == 0)
        #expect(cluster.wakes("team-a", "inside") == 1)
        await cluster.stop()
    }

    /// Two proxy replicas woken at once make one change: the scale patch tests for 0 first.
    @Test func twoReplicasWakingTogetherScaleOnce() async throws {
        let cluster = try await WakeCluster { try await $0.app("pair", spec: ["route": ["host": "pair.test"]]) }
        let (second, secondTask) = try await cluster.secondProxy()
        let ports = [cluster.proxy.port, second.port]
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask { await httpRequest(port: ports[i % 2], "GET", "/", host: "pair.test").status }
            }
            return await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(statuses == [200: 40])
        #expect(cluster.wakes("default", "pair") == 1)
        // Each replica that held a request made one call (both do, unless one saw the pod ready first).
        let calls = [cluster.proxy.metrics.wake.wakesTotal, second.metrics.wake.wakesTotal]
        #expect(calls.allSatisfy { $0 <= 1 } && calls.reduce(0, +) >= 1, "\(calls)")
        #expect(cluster.deployment("default", "pair")?[path: "spec", "replicas"].int == 1)
        secondTask.cancel()
        _ = await secondTask.result
        await cluster.stop()
    }
}

/// The scale call alone, against the local cluster's scale subresource.
@Suite struct AppScalerTests {
    /// A wake that finds the Deployment already above zero (another proxy or a person woke it)
    /// is one PATCH answered 422, taken as success — no second read-and-patch that could undo a
    /// sleep which happened in between.
    @Test func aWakeOfAnAwakeDeploymentIsOnePatchAndChangesNothing() async throws {
        let cluster = try await WakeCluster {
            try await $0.deployment("awake", replicas: 2)
            try await $0.deployment("asleep", replicas: 0)
        }
        let scaler = KubeAppScaler(client: cluster.client)
        try await scaler.scaleUp(namespace: "default", name: "awake", replicas: 1)
        #expect(cluster.scaleWrites("default", "awake") == 1)
        #expect(cluster.deployment("default", "awake")?[path: "spec", "replicas"].int == 2)
        try await scaler.scaleUp(namespace: "default", name: "asleep", replicas: 3)
        #expect(cluster.scaleWrites("default", "asleep") == 1)
        #expect(cluster.deployment("default", "asleep")?[path: "spec", "replicas"].int == 3)
        await cluster.stop()
    }
}
