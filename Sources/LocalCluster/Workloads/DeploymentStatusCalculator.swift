import Foundation
import DozeJSON

/// A Deployment's status as the deployment controller computes it: counts over the pods it
/// controls, and the Available and Progressing conditions that `kubectl rollout status` and
/// `kubectl wait --for=condition=Available` read.
struct DeploymentStatusCalculator {
    let observed: DeploymentReconciler.Observed
    /// Pods this round creates and deletes (the ReplicaSets' new spec.replicas, in real terms).
    let created: Int
    let deleted: Int
    let paused: Bool
    let now: Date

    private var deployment: JSON { observed.deployment }
    private var active: [PodFacts] { observed.newPods + observed.oldPods }
    private var available: Int { observed.available(active).count }
    private var rsName: String { "\(deployment[path: "metadata", "name"].string ?? "")-\(observed.hash)" }

    func status() -> JSON {
        let generation = deployment[path: "metadata", "generation"].int ?? 1
        let replicas = active.count
        let updated = observed.newPods.count
        let ready = active.filter(\.isReady).count
        let targetTotal = replicas + created - deleted
        var status = deployment["status"]
        status["observedGeneration"] = .int(Int64(generation))
        status["replicas"] = .int(Int64(replicas))
        status["updatedReplicas"] = .int(Int64(updated))
        status["readyReplicas"] = .int(Int64(ready))
        status["availableReplicas"] = .int(Int64(available))
        status["unavailableReplicas"] = .int(Int64(max(0, targetTotal - available)))
        // The API server drops zero-valued optional counts; mirror that so `-o yaml` looks real.
        for key in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"]
        where status[key] == 0 {
            status[key] = .null
        }
        let complete = updated == observed.replicas && replicas == observed.replicas && available == observed.replicas
        var conditions = deployment[path: "status", "conditions"].array ?? []
        set(&conditions, availableCondition())
        set(&conditions, progressingCondition(complete: complete, previous: status))
        status["conditions"] = .array(conditions)
        return status
    }

    /// Seconds until the status could change with no event: a ready pod reaching minReadySeconds,
    /// or the progress deadline passing.
    func nextCheck() -> Double? {
        var soonest: Double?
        for pod in active {
            guard let since = pod.readySince, !pod.isAvailable(minReadySeconds: observed.minReadySeconds, now: now) else { continue }
            let wait = since.addingTimeInterval(Double(observed.minReadySeconds)).timeIntervalSince(now)
            soonest = min(soonest ?? wait, max(0.01, wait))
        }
        if let deadline = progressDeadline() {
            let wait = deadline.timeIntervalSince(now)
            if wait > 0 { soonest = min(soonest ?? wait, wait) }
        }
        return soonest
    }

    private func availableCondition() -> Condition {
        let strategyIsRolling = deployment[path: "spec", "strategy", "type"].string != "Recreate"
        let maxUnavailable = strategyIsRolling
            ? IntOrPercent.rollingBounds(deployment, replicas: observed.replicas).unavailable : 0
        if available >= observed.replicas - maxUnavailable {
            return Condition(type: "Available", status: "True", reason: "MinimumReplicasAvailable",
                             message: "Deployment has minimum availability.")
        }
        return Condition(type: "Available", status: "False", reason: "MinimumReplicasUnavailable",
                         message: "Deployment does not have minimum availability.")
    }

    private func progressingCondition(complete: Bool, previous: JSON) -> Condition {
        if paused {
            return Condition(type: "Progressing", status: "Unknown", reason: "DeploymentPaused",
                             message: "Deployment is paused")
        }
        if complete {
            return Condition(type: "Progressing", status: "True", reason: "NewReplicaSetAvailable",
                             message: "ReplicaSet \"\(rsName)\" has successfully progressed.")
        }
        let old = deployment[path: "status", "conditions"].array?.first { $0["type"] == "Progressing" }
        let progressed = created > 0 || deleted > 0 || counts(previous) != counts(deployment["status"])
        if !progressed, let deadline = progressDeadline(), deadline <= now {
            return Condition(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded",
                             message: "ReplicaSet \"\(rsName)\" has timed out progressing.")
        }
        if !progressed, let old, old["reason"] == "ProgressDeadlineExceeded" {
            return Condition(old)
        }
        if old == nil || old?["message"].string?.contains(rsName) != true, observed.newPods.isEmpty {
            return Condition(type: "Progressing", status: "True", reason: "NewReplicaSetCreated",
                             message: "Created new replica set \"\(rsName)\"", touch: true)
        }
        return Condition(type: "Progressing", status: "True", reason: "ReplicaSetUpdated",
                         message: "ReplicaSet \"\(rsName)\" is progressing.", touch: progressed)
    }

    /// When the rollout times out: progressDeadlineSeconds after the last progress.
    private func progressDeadline() -> Date? {
        guard let seconds = deployment[path: "spec", "progressDeadlineSeconds"].int, !paused else { return nil }
        let old = deployment[path: "status", "conditions"].array?.first { $0["type"] == "Progressing" }
        guard let old, old["reason"] == "ReplicaSetUpdated" || old["reason"] == "NewReplicaSetCreated",
              let updated = old["lastUpdateTime"].string.flatMap(WorkloadTime.parse) else { return nil }
        return updated.addingTimeInterval(Double(seconds))
    }

    private func counts(_ status: JSON) -> [JSON] {
        ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"].map { status[$0] }
    }

    // MARK: conditions

    struct Condition {
        var type: String, status: String, reason: String, message: String
        /// Progress was made: lastUpdateTime moves even if nothing else changes.
        var touch = false

        init(type: String, status: String, reason: String, message: String, touch: Bool = false) {
            (self.type, self.status, self.reason, self.message, self.touch) = (type, status, reason, message, touch)
        }

        init(_ json: JSON) {
            self.init(type: json["type"].string ?? "", status: json["status"].string ?? "",
                      reason: json["reason"].string ?? "", message: json["message"].string ?? "")
        }
    }

    /// Replaces a condition, keeping lastTransitionTime while its status holds and lastUpdateTime
    /// while nothing about it changes.
    private func set(_ conditions: inout [JSON], _ c: Condition) {
        let stamp = JSON.string(WorkloadTime.seconds(now))
        let index = conditions.firstIndex { $0["type"].string == c.type }
        let old = index.map { conditions[$0] }
        let sameStatus = old?["status"].string == c.status
        let unchanged = sameStatus && old?["reason"].string == c.reason && old?["message"].string == c.message && !c.touch
        let json: JSON = [
            "type": .string(c.type), "status": .string(c.status),
            "reason": .string(c.reason), "message": .string(c.message),
            "lastUpdateTime": unchanged ? (old?["lastUpdateTime"] ?? stamp) : stamp,
            "lastTransitionTime": sameStatus ? (old?["lastTransitionTime"] ?? stamp) : stamp,
        ]
        if let index { conditions[index] = json } else { conditions.append(json) }
    }
}
