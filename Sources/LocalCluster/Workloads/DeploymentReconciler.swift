import Foundation
import DozeJSON

/// The deployment controller as a pure function: from a Deployment and the pods it controls, the
/// pods to create and delete and the status to write.
///
/// There are no ReplicaSets: pods are owned by the Deployment itself and grouped by their
/// `pod-template-hash` label (the "new ReplicaSet" is the pods whose hash matches the current
/// template). Names and labels match a real cluster's (`web-5d4f8b7c9-x2k7p`), and
/// `kubectl rollout status` and `kubectl wait` read only the Deployment's status, which is
/// computed as the real controller computes it.
public struct DeploymentReconciler: Sendable {
    public var now: Date
    public var suffix: @Sendable () -> String

    public init(now: Date, suffix: @escaping @Sendable () -> String = { NameSuffix.random() }) {
        self.now = now
        self.suffix = suffix
    }

    struct Observed {
        let deployment: JSON
        let replicas: Int
        let minReadySeconds: Int
        let hash: String
        let newPods: [PodFacts]
        let oldPods: [PodFacts]
        let oldTerminating: Int
        let now: Date

        func available(_ pods: [PodFacts]) -> [PodFacts] {
            pods.filter { $0.isAvailable(minReadySeconds: minReadySeconds, now: now) }
        }
    }

    /// `pods` may include any pods of the namespace; only those the Deployment controls count.
    public func reconcile(deployment: JSON, pods: [JSON]) -> WorkloadDecision {
        guard deployment[path: "metadata", "deletionTimestamp"].isNull else { return WorkloadDecision() }
        let uid = deployment[path: "metadata", "uid"].string ?? ""
        let owned = pods.map(PodFacts.init).filter { $0.isControlled(by: uid) }
        let template = deployment[path: "spec", "template"]
        let hash = PodTemplateHash.of(template, collisionCount: deployment[path: "status", "collisionCount"].int)
        let active = owned.filter(\.isActive)
        let observed = Observed(
            deployment: deployment,
            replicas: max(0, deployment[path: "spec", "replicas"].int ?? 1),
            minReadySeconds: deployment[path: "spec", "minReadySeconds"].int ?? 0,
            hash: hash,
            newPods: active.filter { $0.labels["pod-template-hash"] == hash },
            oldPods: active.filter { $0.labels["pod-template-hash"] != hash },
            oldTerminating: owned.filter { $0.isTerminating && $0.labels["pod-template-hash"] != hash }.count,
            now: now)

        var decision = WorkloadDecision()
        let paused = deployment[path: "spec", "paused"].bool == true
        var plan = (create: 0, delete: [PodFacts]())
        if !paused {
            plan = deployment[path: "spec", "strategy", "type"].string == "Recreate"
                ? recreate(observed) : rollingUpdate(observed)
        }
        for _ in 0..<plan.create { decision.actions.append(.create(newPod(observed))) }
        for pod in plan.delete {
            decision.actions.append(.delete(kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid))
        }
        let status = DeploymentStatusCalculator(observed: observed, created: plan.create, deleted: plan.delete.count,
                                                paused: paused, now: now)
        let newStatus = status.status()
        if newStatus != deployment["status"] {
            var updated = deployment
            updated["status"] = newStatus
            decision.actions.append(.updateStatus(updated))
        }
        if let wait = status.nextCheck() { decision.requeue(after: wait) }
        return decision
    }

    // MARK: strategies

    private func recreate(_ o: Observed) -> (create: Int, delete: [PodFacts]) {
        if !o.oldPods.isEmpty { return (0, o.oldPods) }
        // Recreate starts new pods only once every old one is gone, terminating ones included.
        if o.oldTerminating > 0 { return (0, []) }
        return scale(o.newPods, to: o.replicas)
    }

    private func rollingUpdate(_ o: Observed) -> (create: Int, delete: [PodFacts]) {
        if o.oldPods.isEmpty { return scale(o.newPods, to: o.replicas) }
        let (maxSurge, maxUnavailable) = IntOrPercent.rollingBounds(o.deployment, replicas: o.replicas)
        // Scale up the new pods within the surge budget.
        var create = 0
        var delete: [PodFacts] = []
        if o.newPods.count > o.replicas {
            delete += o.newPods.sorted(by: PodFacts.deletionOrder).prefix(o.newPods.count - o.replicas)
        } else {
            let room = o.replicas + maxSurge - (o.oldPods.count + o.newPods.count)
            create = max(0, min(room, o.replicas - o.newPods.count))
        }
        let newTarget = o.newPods.count + create - delete.count
        let newAvailable = o.available(o.newPods).count
        // Scale down old pods without going under replicas - maxUnavailable available pods.
        let minAvailable = o.replicas - maxUnavailable
        let maxScaledDown = o.oldPods.count + newTarget - minAvailable - max(0, newTarget - newAvailable)
        guard maxScaledDown > 0 else { return (create, delete) }
        let oldAvailable = o.available(o.oldPods)
        let unhealthy = o.oldPods.filter { pod in !oldAvailable.contains { $0.uid == pod.uid } }
            .sorted(by: PodFacts.deletionOrder)
        let cleaned = Array(unhealthy.prefix(maxScaledDown))
        delete += cleaned
        let canRemove = min(oldAvailable.count + newAvailable - minAvailable, maxScaledDown - cleaned.count)
        if canRemove > 0 {
            delete += oldAvailable.sorted(by: PodFacts.deletionOrder).prefix(canRemove)
        }
        return (create, delete)
    }

    /// Plain scaling of the current pods.
    private func scale(_ pods: [PodFacts], to replicas: Int) -> (create: Int, delete: [PodFacts]) {
        if pods.count < replicas { return (replicas - pods.count, []) }
        return (0, Array(pods.sorted(by: PodFacts.deletionOrder).prefix(pods.count - replicas)))
    }

    // MARK: pods

    /// A pod from the template, named and labelled as the ReplicaSet controller would.
    func newPod(_ o: Observed) -> JSON {
        let d = o.deployment
        let name = d[path: "metadata", "name"].string ?? ""
        let template = d[path: "spec", "template"]
        var metadata = template["metadata"]
        metadata["name"] = .string("\(name)-\(o.hash)-\(suffix())")
        metadata["generateName"] = .string("\(name)-\(o.hash)-")
        metadata["namespace"] = d[path: "metadata", "namespace"]
        metadata["labels"]["pod-template-hash"] = .string(o.hash)
        metadata["ownerReferences"] = [[
            "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name),
            "uid": d[path: "metadata", "uid"], "controller": true, "blockOwnerDeletion": true,
        ]]
        metadata["creationTimestamp"] = .null
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"]]
    }
}
