import DozeJSON
import Foundation
import LocalCluster
import Testing
@testable import Controller

/// Two controller instances share one Lease: one leads, the other takes over when it stops.
@Suite struct LeaderElectionIntegrationTests {
    @Test func oneLeaderAndTakeover() async throws {
        let cluster = try await TestCluster()
        let a = RunningController(cluster, identity: "a", lease: .seconds(2))
        let b = RunningController(cluster, identity: "b", lease: .seconds(2))
        #expect(await cluster.eventually { a.controller.isLeader || b.controller.isLeader })
        #expect(!(a.controller.isLeader && b.controller.isLeader))
        let (leader, follower) = a.controller.isLeader ? (a, b) : (b, a)
        let holder = cluster.get(.leases, "default", "doze-controller")?[path: "spec", "holderIdentity"].string
        #expect(holder == (leader === a ? "a" : "b"))
        #expect(follower.controller.isSynced, "a follower keeps its caches warm")
        await leader.stop()
        #expect(await cluster.eventually(timeout: 10) { follower.controller.isLeader })
        await cluster.createApp("after", namespace: "default", spec: ["image": "nginx"])
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "default", "after")?.condition("Ready")["status"] == "True"
        })
        await follower.stop()
        await cluster.stop()
    }

    /// A leader that dies without a word (SIGKILL: its Lease is not released) is replaced once
    /// the Lease expires, and the new leader reconciles Apps created after the crash.
    @Test func crashedLeaderIsReplacedWithinLeaseDuration() async throws {
        let cluster = try await TestCluster()
        let crashing = try ControllerProcess(cluster, identity: "crashing", leaseDuration: "2s")
        let holder: @Sendable () -> String? = { cluster.get(.leases, "default", "doze-controller")?[path: "spec", "holderIdentity"].string }
        guard await cluster.eventually(timeout: 30, { holder() == "crashing" }) else {
            await crashing.kill()
            await cluster.stop()
            Issue.record("the doze controller process never took the Lease")
            return
        }
        // The process really reconciles while it leads.
        await cluster.createApp("before", namespace: "default", spec: ["image": "nginx", "route": ["path": "/before"]])
        #expect(await cluster.eventually { cluster.get(TestCluster.apps, "default", "before")?.condition("Ready")["status"] == "True" })
        let standby = RunningController(cluster, identity: "standby", lease: .seconds(2))
        #expect(await cluster.eventually { standby.controller.isSynced })
        #expect(!standby.controller.isLeader, "the Lease is held and renewed by the process")
        let transitions = cluster.get(.leases, "default", "doze-controller")?[path: "spec", "leaseTransitions"].int ?? -1

        let killedAt = ContinuousClock.now
        await crashing.kill(SIGKILL)
        #expect(holder() == "crashing", "a killed process cannot release its Lease")
        #expect(await cluster.eventually(timeout: 10) { standby.controller.isLeader })
        let takeover = killedAt.duration(to: .now)
        // The Lease lasts 2 s from the last renewal the standby saw, and it polls every 200 ms, so
        // takeover is due about 2.2 s after the kill; the rest is slack for request latency on a
        // loaded shared machine (2.4–4.2 s seen with three test modules at once).
        #expect(takeover < .seconds(5), "takeover took \(takeover)")
        let lease = cluster.get(.leases, "default", "doze-controller")?["spec"] ?? .null
        #expect(lease["holderIdentity"] == "standby")
        #expect(lease["leaseTransitions"].int == transitions + 1)

        await cluster.createApp("after", namespace: "default", spec: ["image": "nginx", "route": ["path": "/after"]])
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "default", "after")?.condition("Ready")["status"] == "True"
        }, "status: \(cluster.get(TestCluster.apps, "default", "after")?["status"] ?? .null)")
        await standby.stop()
        await cluster.stop()
    }

    /// Watches end every second (the server's timeout), re-watches fail for a while and the store
    /// keeps little history, so the watchers resume from expired history, get 410 and relist
    /// while Apps change; no update may be missed.
    @Test func noMissedUpdateAcrossWatchRestarts() async throws {
        let cluster = try await TestCluster(historyLimit: 15)
        let ctl = RunningController(cluster, watchTimeoutSeconds: 1)
        await cluster.createApp("w", namespace: "default", spec: ["image": "nginx"])
        #expect(await cluster.eventually { cluster.get(.deployments, "default", "w") != nil })
        for round in 0..<3 {
            // The Apps watch ends (every second) and cannot resume while its re-watches fail;
            // meanwhile 20 writes push its resourceVersion out of the 15-change history.
            cluster.failNext(10_000, status: 500, methods: ["GET"], matching: ["/apps?", "watch=true"])
            #expect(await cluster.eventually(timeout: 10) { cluster.pendingFaults < 10_000 })
            for i in 0..<20 {
                _ = await cluster.request("POST", "/api/v1/namespaces/default/configmaps",
                                          ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("c\(round)-\(i)")]])
            }
            _ = await cluster.request("PATCH", "/apis/doze.dev/v1alpha1/namespaces/default/apps/w",
                                      ["spec": ["params": ["ROUND": .string("\(round)")]]], contentType: "application/merge-patch+json")
            cluster.failNext(0, status: 500)
        }
        #expect(await cluster.eventually {
            let env = cluster.get(.deployments, "default", "w")?[path: "spec", "template", "spec", "containers"][0]["env"].array ?? []
            return env.contains { $0["name"] == "ROUND" && $0["value"] == "2" }
        })
        // Not vacuous: a watch met expired history (410, counted as a watch error) and Apps were
        // listed again after the first sync.
        let watchErrors = ctl.controller.metrics.render().split(separator: "\n")
            .first { $0.hasPrefix("doze_controller_watch_errors_total ") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        #expect(watchErrors > 0, "no watch error (410) happened")
        #expect(cluster.lists(of: "/apis/doze.dev/v1alpha1/apps") >= 2, "Apps were never relisted")
        await ctl.stop()
        await cluster.stop()
    }
}
