import Foundation
import Testing
import DozeJSON
@testable import LocalCluster

@Suite struct DeploymentReconcilerTests {
    let reconciler = DeploymentReconciler(now: epoch + 100, suffix: counterSuffix())

    /// Pods for `d` as if created earlier and ready since `epoch`.
    func readyPods(_ d: JSON, _ count: Int, start: Int = 1) -> [JSON] {
        let r = DeploymentReconciler(now: epoch, suffix: counterSuffix())
        return r.reconcile(deployment: d, pods: []).created.prefix(count).enumerated().map { i, pod in
            var p = pod
            p[path: "metadata", "name"] = .string("\(pod[path: "metadata", "generateName"].string!)p\(start + i)")
            return runningPod(p, ip: "127.1.0.\(start + i)", created: epoch + Double(start + i), readySince: epoch + 10)
        }
    }

    @Test func createsPodsFromTheTemplateNamedAndOwnedLikeReal() throws {
        let d = deployment(replicas: 3)
        let decision = reconciler.reconcile(deployment: d, pods: [])
        #expect(decision.created.count == 3)
        let pod = try #require(decision.created.first)
        let hash = try #require(pod[path: "metadata", "labels", "pod-template-hash"].string)
        #expect(hash.count >= 6 && hash.allSatisfy { NameSuffix.alphabet.contains($0) })
        #expect(pod[path: "metadata", "name"] == .string("web-\(hash)-sfx1"))
        #expect(pod[path: "metadata", "labels", "app"] == "web")
        #expect(pod[path: "metadata", "ownerReferences"] == [["apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                                              "uid": "dep-uid", "controller": true, "blockOwnerDeletion": true]])
        #expect(pod["spec"] == d[path: "spec", "template", "spec"])
        let status = try #require(decision.status)
        #expect(status["observedGeneration"] == 1)
        #expect(status["unavailableReplicas"] == 3)
        #expect(status["replicas"].isNull)
        #expect(status.condition("Available")?["status"] == "False")
        #expect(status.condition("Available")?["reason"] == "MinimumReplicasUnavailable")
        #expect(status.condition("Progressing")?["reason"] == "NewReplicaSetCreated")
    }

    @Test func hashChangesWithTheTemplateOnly() {
        let a = PodTemplateHash.of(deployment(image: "v1")[path: "spec", "template"])
        #expect(a == PodTemplateHash.of(deployment(replicas: 7, image: "v1")[path: "spec", "template"]))
        #expect(a != PodTemplateHash.of(deployment(image: "v2")[path: "spec", "template"]))
        #expect(a != PodTemplateHash.of(deployment(image: "v1")[path: "spec", "template"], collisionCount: 1))
    }

    @Test func steadyStateIsCompleteAndIdempotent() throws {
        var d = deployment(replicas: 2)
        let pods = readyPods(d, 2)
        let first = reconciler.reconcile(deployment: d, pods: pods)
        #expect(first.created.isEmpty && first.deletedNames.isEmpty)
        let status = try #require(first.status)
        #expect(status["replicas"] == 2)
        #expect(status["updatedReplicas"] == 2)
        #expect(status["readyReplicas"] == 2)
        #expect(status["availableReplicas"] == 2)
        #expect(status["unavailableReplicas"].isNull)
        #expect(status.condition("Available")?["reason"] == "MinimumReplicasAvailable")
        #expect(status.condition("Available")?["message"] == "Deployment has minimum availability.")
        let progressing = try #require(status.condition("Progressing"))
        #expect(progressing["reason"] == "NewReplicaSetAvailable")
        #expect(progressing["message"].string?.hasSuffix("has successfully progressed.") == true)
        d["status"] = status
        let later = DeploymentReconciler(now: epoch + 500).reconcile(deployment: d, pods: pods)
        #expect(later.withoutMirrors.isEmpty)
    }

    @Test func scaleDownRemovesNotReadyThenNewest() {
        let d = deployment(replicas: 4)
        var pods = readyPods(d, 4)
        pods[1][path: "status", "conditions", ] = [["type": "Ready", "status": "False", "lastTransitionTime": "2023-11-14T22:13:20Z"]]
        let decision = reconciler.reconcile(deployment: deployment(replicas: 2), pods: pods)
        let names = pods.map { $0[path: "metadata", "name"].string! }
        #expect(decision.deletedNames == [names[1], names[3]])
        #expect(decision.created.isEmpty)
    }

    @Test func scaleToZeroDeletesEverythingAndStaysAvailable() throws {
        let d = deployment(replicas: 2)
        let decision = reconciler.reconcile(deployment: deployment(replicas: 0), pods: readyPods(d, 2))
        #expect(decision.deletedNames.count == 2)
        let status = try #require(decision.status)
        #expect(status.condition("Available")?["status"] == "True")
    }

    @Test func ignoresPodsItDoesNotControl() {
        var stranger = readyPods(deployment(), 1)[0]
        stranger[path: "metadata", "ownerReferences"] = [["kind": "Deployment", "name": "other", "uid": "x", "controller": true]]
        #expect(reconciler.reconcile(deployment: deployment(replicas: 1), pods: [stranger]).created.count == 1)
    }

    @Test func roundsSurgeUpAndUnavailableDown() {
        #expect(IntOrPercent.rollingBounds(deployment(replicas: 10), replicas: 10) == (3, 2))
        #expect(IntOrPercent.rollingBounds(deployment(replicas: 1), replicas: 1) == (1, 0))
        let explicit = deployment(strategy: ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 0, "maxUnavailable": "0%"]])
        #expect(IntOrPercent.rollingBounds(explicit, replicas: 3) == (0, 1))
        let numbers = deployment(strategy: ["rollingUpdate": ["maxSurge": "50%", "maxUnavailable": 2]])
        #expect(IntOrPercent.rollingBounds(numbers, replicas: 3) == (2, 2))
    }

    @Test func minReadySecondsDelaysAvailabilityAndAsksToLookAgain() throws {
        let d = deployment(replicas: 1, extraSpec: ["minReadySeconds": 30])
        var pod = readyPods(d, 1)[0]
        pod[path: "status", "conditions"] = [["type": "Ready", "status": "True", "lastTransitionTime": .string(WorkloadTime.seconds(epoch + 90))]]
        let decision = reconciler.reconcile(deployment: d, pods: [pod])
        let status = try #require(decision.status)
        #expect(status["readyReplicas"] == 1)
        #expect(status["availableReplicas"].isNull)
        #expect(decision.requeueAfter == 20)
    }

    @Test func recreateDeletesOldPodsBeforeStartingNewOnes() {
        let v1 = deployment(replicas: 2, strategy: ["type": "Recreate"])
        let old = readyPods(v1, 2)
        let v2 = deployment(replicas: 2, image: "v2", generation: 2, strategy: ["type": "Recreate"])
        let first = reconciler.reconcile(deployment: v2, pods: old)
        #expect(first.deletedNames.count == 2 && first.created.isEmpty)
        let terminating = old.map { p -> JSON in var t = p; t[path: "metadata", "deletionTimestamp"] = "2023-11-14T22:15:00Z"; return t }
        #expect(reconciler.reconcile(deployment: v2, pods: terminating).created.isEmpty)
        #expect(reconciler.reconcile(deployment: v2, pods: []).created.count == 2)
    }
}

@Suite struct PausedDeploymentTests {
    @Test func pausedDeploymentsScaleButDoNotRollOut() throws {
        let reconciler = DeploymentReconciler(now: epoch + 100, suffix: counterSuffix())
        let v1 = deployment(replicas: 2)
        let pods = reconciler.reconcile(deployment: v1, pods: []).created.enumerated().map { i, p in
            runningPod(p, ip: "127.1.0.\(i + 1)", created: epoch + Double(i), readySince: epoch + 10)
        }
        var paused = deployment(replicas: 3, extraSpec: ["paused": true])
        let up = reconciler.reconcile(deployment: paused, pods: pods)
        #expect(up.created.count == 1)
        #expect(up.status?.condition("Progressing")?["reason"] == "DeploymentPaused")
        paused = deployment(replicas: 1, image: "v2", extraSpec: ["paused": true])
        let changed = reconciler.reconcile(deployment: paused, pods: pods)
        #expect(changed.created.isEmpty)
        #expect(changed.deletedNames.count == 1)
        paused[path: "spec", "replicas"] = 2
        #expect(reconciler.reconcile(deployment: paused, pods: pods).withoutMirrors.allSatisfy {
            if case .updateStatus = $0 { return true } else { return false }
        })
    }
}
