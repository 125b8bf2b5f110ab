import Foundation
import Testing
import DozeJSON
@testable import LocalCluster

/// Drives the pure deployment controller through whole rollouts against a simulated cluster in
/// which every pod becomes ready one step after it is created, and checks the invariants the
/// real controller promises at every step.
@Suite struct RollingUpdateTests {
    struct Cluster {
        var deployment: JSON
        var pods: [JSON] = []
        var replicaSets: [JSON] = []
        var clock = epoch
        var ip = 0
        let suffix = counterSuffix()

        /// One controller pass: apply its actions, then let pods created earlier become ready.
        mutating func step() -> WorkloadDecision {
            clock += 1
            for i in pods.indices where pods[i][path: "status", "conditions"].isNull {
                pods[i] = runningPod(pods[i], ip: pods[i][path: "status", "podIP"].string ?? "127.1.0.1",
                                     created: clock - 1, readySince: clock - 1)
            }
            let decision = DeploymentReconciler(now: clock, suffix: suffix).reconcile(deployment: deployment, pods: pods,
                                                                                      replicaSets: replicaSets)
            for action in decision.actions {
                if applyToReplicaSets(action) { continue }
                switch action {
                case .create(let pod):
                    ip += 1
                    var p = pod
                    p[path: "metadata", "uid"] = .string("uid-\(ip)")
                    p[path: "status", "podIP"] = .string("127.1.0.\(ip)")
                    pods.append(p)
                case .delete(_, _, let name, _):
                    pods.removeAll { $0[path: "metadata", "name"].string == name }
                case .updateStatus(let d):
                    deployment = d
                case .update:
                    Issue.record("a deployment controller replaces only ReplicaSets")
                }
            }
            return decision
        }

        /// ReplicaSet writes land in `replicaSets`, as the store would keep them.
        mutating func applyToReplicaSets(_ action: WorkloadAction) -> Bool {
            func index(_ o: JSON) -> Int? { replicaSets.firstIndex { $0[path: "metadata", "name"] == o[path: "metadata", "name"] } }
            switch action {
            case .create(let o) where o["kind"] == "ReplicaSet":
                var rs = o
                rs[path: "metadata", "uid"] = .string("rs-\(o[path: "metadata", "name"].string ?? "")")
                rs["status"] = ["replicas": 0]
                replicaSets.append(rs)
            case .update(let o) where o["kind"] == "ReplicaSet":
                if let i = index(o) { let status = replicaSets[i]["status"]; replicaSets[i] = o; replicaSets[i]["status"] = status }
            case .updateStatus(let o) where o["kind"] == "ReplicaSet":
                if let i = index(o) { replicaSets[i]["status"] = o["status"] }
            case .delete("ReplicaSet", _, let name, _):
                replicaSets.removeAll { $0[path: "metadata", "name"].string == name }
            default:
                return false
            }
            return true
        }

        var hash: String { PodTemplateHash.of(deployment[path: "spec", "template"]) }
        var readyCount: Int { pods.filter { PodFacts($0).isReady }.count }
        var newCount: Int { pods.filter { $0[path: "metadata", "labels", "pod-template-hash"].string == hash }.count }
    }

    func rollOut(replicas: Int, strategy: JSON, check: (Cluster) -> Void) -> Cluster {
        var cluster = Cluster(deployment: deployment(replicas: replicas, strategy: strategy))
        for _ in 0..<10 { _ = cluster.step() }
        #expect(cluster.pods.count == replicas && cluster.readyCount == replicas)
        var template = cluster.deployment
        template[path: "spec", "template", "spec", "containers", ] = [["name": "app", "image": "v2", "command": ["serve"]]]
        template[path: "metadata", "generation"] = 2
        cluster.deployment = template
        for _ in 0..<40 {
            _ = cluster.step()
            check(cluster)
        }
        return cluster
    }

    @Test(arguments: [(4, "25%", "25%"), (10, "30%", "0"), (3, "0", "1"), (5, "100%", "0%")])
    func rollingUpdateKeepsWithinSurgeAndUnavailability(_ replicas: Int, _ surge: String, _ unavailable: String) throws {
        let strategy: JSON = ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": .string(surge), "maxUnavailable": .string(unavailable)]]
        let bounds = IntOrPercent.rollingBounds(deployment(strategy: strategy), replicas: replicas)
        let done = rollOut(replicas: replicas, strategy: strategy) { c in
            #expect(c.pods.count <= replicas + bounds.surge)
            #expect(c.readyCount >= replicas - bounds.unavailable)
        }
        #expect(done.pods.count == replicas)
        #expect(done.newCount == replicas)
        let status = done.deployment["status"]
        #expect(status["observedGeneration"] == 2)
        #expect(status["updatedReplicas"] == .int(Int64(replicas)))
        #expect(status["availableReplicas"] == .int(Int64(replicas)))
        #expect(status.condition("Progressing")?["reason"] == "NewReplicaSetAvailable")
        #expect(status.condition("Available")?["status"] == "True")
        // ReplicaSet mirrors: the new one holds every replica and revision 2, the old one none.
        var settled = done
        #expect(settled.step().actions.isEmpty, "a finished rollout needs no more writes")
        let byRevision = Dictionary(settled.replicaSets.map {
            ($0[path: "metadata", "annotations", "deployment.kubernetes.io/revision"].string ?? "", $0)
        }, uniquingKeysWith: { a, _ in a })
        #expect(byRevision.keys.sorted() == ["1", "2"])
        #expect(byRevision["2"]?[path: "metadata", "name"] == .string("web-\(done.hash)"))
        #expect(byRevision["2"]?[path: "spec", "replicas"] == .int(Int64(replicas)))
        #expect(byRevision["2"]?[path: "status", "availableReplicas"] == .int(Int64(replicas)))
        #expect(byRevision["1"]?[path: "spec", "replicas"] == 0)
        #expect(byRevision["2"]?[path: "spec", "selector", "matchLabels", "pod-template-hash"] == .string(done.hash))
    }

    @Test func recreateNeverRunsOldAndNewTogether() {
        let done = rollOut(replicas: 3, strategy: ["type": "Recreate"]) { c in
            let hashes = Set(c.pods.compactMap { $0[path: "metadata", "labels", "pod-template-hash"].string })
            #expect(hashes.count <= 1)
        }
        #expect(done.newCount == 3)
    }

    @Test func progressingReportsReplicaSetUpdatedMidRollout() throws {
        var cluster = Cluster(deployment: deployment(replicas: 4))
        for _ in 0..<10 { _ = cluster.step() }
        cluster.deployment[path: "spec", "template", "metadata", "labels", "v"] = "2"
        cluster.deployment[path: "metadata", "generation"] = 2
        _ = cluster.step()
        let created = try #require(cluster.deployment["status"].condition("Progressing"))
        #expect(created["reason"] == "NewReplicaSetCreated")
        #expect(created["message"] == .string("Created new replica set \"web-\(cluster.hash)\""))
        _ = cluster.step()
        let progressing = try #require(cluster.deployment["status"].condition("Progressing"))
        #expect(progressing["reason"] == "ReplicaSetUpdated")
        #expect(progressing["message"] == .string("ReplicaSet \"web-\(cluster.hash)\" is progressing."))
    }
}

@Suite struct RollbackTests {
    @Test func undoReusesTheOldReplicaSetWithANewRevision() throws {
        var cluster = RollingUpdateTests.Cluster(deployment: deployment(replicas: 2))
        for _ in 0..<10 { _ = cluster.step() }
        let v1Hash = cluster.hash
        let v1Template = cluster.deployment[path: "spec", "template"]
        cluster.deployment[path: "spec", "template", "spec", "containers"] = [["name": "app", "image": "v2", "command": ["serve"]]]
        for _ in 0..<10 { _ = cluster.step() }
        // What `kubectl rollout undo` does: copy the old ReplicaSet's template, minus its hash label.
        let old = try #require(cluster.replicaSets.first { $0[path: "metadata", "labels", "pod-template-hash"].string == v1Hash })
        var restored = old[path: "spec", "template"]
        restored[path: "metadata", "labels", "pod-template-hash"] = .null
        #expect(restored == v1Template)
        // As Go serializes it: zero values that the stored template leaves out.
        restored["metadata"] = .object((restored["metadata"].object ?? [:]).merging(["creationTimestamp": .null]) { a, _ in a })
        restored[path: "spec", "containers"][0]["resources"] = .emptyObject
        cluster.deployment[path: "spec", "template"] = restored
        for _ in 0..<10 { _ = cluster.step() }
        #expect(cluster.replicaSets.count == 2)
        #expect(Set(cluster.pods.compactMap { $0[path: "metadata", "labels", "pod-template-hash"].string }) == [v1Hash])
        let reused = try #require(cluster.replicaSets.first { $0[path: "metadata", "labels", "pod-template-hash"].string == v1Hash })
        #expect(reused[path: "metadata", "annotations", "deployment.kubernetes.io/revision"] == "3")
        #expect(reused[path: "spec", "replicas"] == 2)
    }
}
