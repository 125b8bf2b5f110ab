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
            let decision = DeploymentReconciler(now: clock, suffix: suffix).reconcile(deployment: deployment, pods: pods)
            for action in decision.actions {
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
                    Issue.record("a deployment controller never replaces objects")
                }
            }
            return decision
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
