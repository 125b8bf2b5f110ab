import Foundation
import DozeJSON

/// The deployment controller as a pure function: from a Deployment and the pods it controls, the
/// pods to create and delete and the status to write.
///
/// Pods are owned by the Deployment itself and grouped by their `pod-template-hash` label (the
/// "new ReplicaSet" is the pods whose hash matches the current template). ReplicaSets exist only
/// as mirrors of those groups (see `ReplicaSetMirror`) for kubectl's sake. Names and labels match
/// a real cluster's (`web-5d4f8b7c9-x2k7p`), and the Deployment's status is computed as the real
/// controller computes it, which is all `kubectl rollout status` and `kubectl wait` read.
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

    /// `pods` and `replicaSets` may include any of the namespace; only those the Deployment
    /// controls count.
    public func reconcile(deployment: JSON, pods: [JSON], replicaSets: [JSON] = []) -> WorkloadDecision {
        guard deployment[path: "metadata", "deletionTimestamp"].isNull else { return WorkloadDecision() }
        let uid = deployment[path: "metadata", "uid"].string ?? ""
        let owned = pods.map(PodFacts.init).filter { $0.isControlled(by: uid) }
        let template = deployment[path: "spec", "template"]
        let mirrors = replicaSets.filter { PodFacts($0).isControlled(by: uid) }
        // Like the real controller, an existing ReplicaSet whose template equals the Deployment's
        // (ignoring the hash label) is the new one: after `kubectl rollout undo` it is reused.
        let hash = mirrors.first { ReplicaSetMirror.template($0, equals: template) }?[path: "metadata", "labels", "pod-template-hash"].string
            ?? PodTemplateHash.of(template, collisionCount: deployment[path: "status", "collisionCount"].int)
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
        let plan: (create: Int, delete: [PodFacts])
        if paused {
            plan = pausedScale(observed)
        } else {
            plan = deployment[path: "spec", "strategy", "type"].string == "Recreate"
                ? recreate(observed) : rollingUpdate(observed)
        }
        for _ in 0..<plan.create { decision.actions.append(.create(newPod(observed))) }
        decision.events = scalingEvents(observed, plan)
        decision.actions += ReplicaSetMirror(observed: observed, plan: plan, existing: mirrors).actions()
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

    /// A paused Deployment does not roll out, but it still scales: pods of the current template
    /// come and go freely; with a pending template change only scaling down is possible (the old
    /// template is not kept to make more pods from).
    private func pausedScale(_ o: Observed) -> (create: Int, delete: [PodFacts]) {
        if o.oldPods.isEmpty { return scale(o.newPods, to: o.replicas) }
        let all = o.oldPods + o.newPods
        guard all.count > o.replicas else { return (0, []) }
        return (0, Array(all.sorted(by: PodFacts.deletionOrder).prefix(all.count - o.replicas)))
    }

    /// Plain scaling of the current pods.
    private func scale(_ pods: [PodFacts], to replicas: Int) -> (create: Int, delete: [PodFacts]) {
        if pods.count < replicas { return (replicas - pods.count, []) }
        return (0, Array(pods.sorted(by: PodFacts.deletionOrder).prefix(pods.count - replicas)))
    }

    /// The deployment controller's ScalingReplicaSet events, one per pod group whose size changes.
    private func scalingEvents(_ o: Observed, _ plan: (create: Int, delete: [PodFacts])) -> [WorkloadEvent] {
        let d = o.deployment
        let name = d[path: "metadata", "name"].string ?? ""
        func event(_ message: String) -> WorkloadEvent {
            WorkloadEvent(kind: "Deployment", apiVersion: "apps/v1", namespace: d[path: "metadata", "namespace"].string ?? "default",
                          name: name, uid: d[path: "metadata", "uid"].string ?? "", fieldPath: nil, warning: false,
                          reason: "ScalingReplicaSet", message: message, component: "deployment-controller")
        }
        var events: [WorkloadEvent] = []
        if plan.create > 0 {
            events.append(event("Scaled up replica set \(name)-\(o.hash) to \(o.newPods.count + plan.create) from \(o.newPods.count)"))
        }
        let active = o.newPods + o.oldPods
        let byHash = Dictionary(grouping: plan.delete) { $0.labels["pod-template-hash"] ?? "" }
        for hash in byHash.keys.sorted() {
            let before = active.filter { $0.labels["pod-template-hash"] == hash }.count
            let after = before - byHash[hash]!.count
            events.append(event("Scaled down replica set \(name)-\(hash) to \(after) from \(before)"))
        }
        return events
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
