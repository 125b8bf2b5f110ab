import Foundation
import DozeJSON

/// Builds `pod.status` from the runtime's view of its containers, the way kubelet's status manager
/// does: phase from the containers' states and restart policy, the four standard conditions with
/// lastTransitionTime kept while their status does not change.
struct PodStatusBuilder {
    var restartPolicy: String          // Always | OnFailure | Never
    var podIP: String?
    var hostIP: String
    var startTime: Date
    var containers: [ContainerRunState]

    func phase() -> String {
        var running = 0, waiting = 0, stopped = 0, succeeded = 0
        for c in containers {
            switch c.state {
            case .running: running += 1
            case .terminated(let code, _, _, _, _, _):
                stopped += 1
                if code == 0 { succeeded += 1 }
            case .waiting:
                // A container waiting to be restarted has run before: kubelet counts it as stopped.
                if case .terminated(let code, _, _, _, _, _)? = c.lastState {
                    stopped += 1
                    if code == 0 { succeeded += 1 }
                } else {
                    waiting += 1
                }
            }
        }
        if waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        if stopped > 0 {
            if restartPolicy == "Always" { return "Running" }
            if stopped == succeeded { return "Succeeded" }
            if restartPolicy == "OnFailure" { return "Running" }
            return "Failed"
        }
        return "Pending"
    }

    /// The status object; `previous` is the pod's current status, whose condition transition
    /// times are kept when a condition's status is unchanged.
    func build(previous: JSON, now: Date) -> JSON {
        let phase = phase()
        let unready = containers.filter { !$0.ready }.map(\.name)
        let terminal = phase == "Succeeded" || phase == "Failed"
        let notReadyReason = terminal ? "PodCompleted" : "ContainersNotReady"
        let notReadyMessage = terminal ? nil : "containers with unready status: [\(unready.joined(separator: " "))]"
        let allReady = unready.isEmpty && !terminal
        let conditions: [(String, Bool, String?, String?)] = [
            ("PodReadyToStartContainers", podIP != nil, nil, nil),
            ("Initialized", true, nil, nil),
            ("Ready", allReady, allReady ? nil : notReadyReason, allReady ? nil : notReadyMessage),
            ("ContainersReady", allReady, allReady ? nil : notReadyReason, allReady ? nil : notReadyMessage),
            ("PodScheduled", true, nil, nil),
        ]
        var status: JSON = [
            "phase": .string(phase),
            "hostIP": .string(hostIP),
            "hostIPs": [["ip": .string(hostIP)]],
            "startTime": .string(WorkloadTime.seconds(startTime)),
            "qosClass": "BestEffort",
            "conditions": .array(conditions.map { condition($0.0, $0.1, $0.2, $0.3, previous: previous, now: now) }),
            "containerStatuses": .array(containers.map { $0.json() }),
        ]
        if let podIP {
            status["podIP"] = .string(podIP)
            status["podIPs"] = [["ip": .string(podIP)]]
        }
        return status
    }

    private func condition(_ type: String, _ value: Bool, _ reason: String?, _ message: String?,
                           previous: JSON, now: Date) -> JSON {
        let statusText = value ? "True" : "False"
        let old = previous["conditions"].array?.first { $0["type"].string == type }
        let transition = old.flatMap { $0["status"].string == statusText ? $0["lastTransitionTime"].string : nil }
        var c: JSON = [
            "type": .string(type),
            "status": .string(statusText),
            "lastProbeTime": nil,
            "lastTransitionTime": .string(transition ?? WorkloadTime.seconds(now)),
        ]
        if let reason { c["reason"] = .string(reason) }
        if let message { c["message"] = .string(message) }
        return c
    }
}
