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

    /// Watches end every second (the server's timeout) and the store keeps little history, so the
    /// watchers resume and relist (410) while Apps change; no update may be missed.
    @Test func noMissedUpdateAcrossWatchRestarts() async throws {
        let cluster = try await TestCluster(historyLimit: 15)
        let ctl = RunningController(cluster, watchTimeoutSeconds: 1)
        await cluster.createApp("w", namespace: "default", spec: ["image": "nginx"])
        #expect(await cluster.eventually { cluster.get(.deployments, "default", "w") != nil })
        for round in 0..<3 {
            _ = await cluster.eventually(timeout: 1.2) { false }  // a watch restart happens meanwhile
            for i in 0..<20 {
                _ = await cluster.request("POST", "/api/v1/namespaces/default/configmaps",
                                          ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("c\(round)-\(i)")]])
            }
            _ = await cluster.request("PATCH", "/apis/doze.dev/v1alpha1/namespaces/default/apps/w",
                                      ["spec": ["params": ["ROUND": .string("\(round)")]]], contentType: "application/merge-patch+json")
        }
        #expect(await cluster.eventually {
            let env = cluster.get(.deployments, "default", "w")?[path: "spec", "template", "spec", "containers"][0]["env"].array ?? []
            return env.contains { $0["name"] == "ROUND" && $0["value"] == "2" }
        })
        await ctl.stop()
        await cluster.stop()
    }
}
