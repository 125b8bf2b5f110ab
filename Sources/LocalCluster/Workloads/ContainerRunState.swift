import Foundation
import DozeJSON

/// What the runtime knows about one container, in the shape of `status.containerStatuses[]`.
struct ContainerRunState: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case waiting(reason: String, message: String?)
        case running(startedAt: Date)
        case terminated(exitCode: Int32, signal: Int32?, reason: String, message: String?,
                        startedAt: Date?, finishedAt: Date)

        var isRunning: Bool { if case .running = self { return true } else { return false } }
        var isTerminated: Bool { if case .terminated = self { return true } else { return false } }
    }

    var name: String
    var image: String
    var state: State = .waiting(reason: "ContainerCreating", message: nil)
    var lastState: State?
    var restartCount = 0
    /// Startup probe passed (or there is none) while running.
    var started = false
    /// Readiness probe passing (or there is none) while running and started.
    var probeReady = false
    var pid: Int32?

    var ready: Bool { state.isRunning && started && probeReady }

    init(name: String, image: String) {
        self.name = name
        self.image = image
    }

    func json() -> JSON {
        var out: JSON = [
            "name": .string(name),
            "image": .string(image),
            "imageID": "",
            "ready": .bool(ready),
            "restartCount": .int(Int64(restartCount)),
            "started": .bool(state.isRunning && started),
            "state": Self.json(state),
            "lastState": lastState.map(Self.json) ?? .emptyObject,
        ]
        if let pid { out["containerID"] = .string("doze://\(pid)") }
        return out
    }

    static func json(_ state: State) -> JSON {
        switch state {
        case .waiting(let reason, let message):
            var w: JSON = ["reason": .string(reason)]
            if let message { w["message"] = .string(message) }
            return ["waiting": w]
        case .running(let startedAt):
            return ["running": ["startedAt": .string(WorkloadTime.seconds(startedAt))]]
        case .terminated(let code, let signal, let reason, let message, let startedAt, let finishedAt):
            var t: JSON = ["exitCode": .int(Int64(code)), "reason": .string(reason),
                           "finishedAt": .string(WorkloadTime.seconds(finishedAt))]
            if let signal { t["signal"] = .int(Int64(signal)) }
            if let message { t["message"] = .string(message) }
            if let startedAt { t["startedAt"] = .string(WorkloadTime.seconds(startedAt)) }
            return ["terminated": t]
        }
    }
}

/// Kubelet's container restart back-off: the first restart is immediate, later ones wait 10s,
/// 20s, 40s ... up to 5 minutes; a container that ran for twice the cap resets the sequence.
struct RestartBackoff: Sendable, Equatable {
    var initial: Double = 10
    var cap: Double = 300
    private(set) var failures = 0

    init(initial: Double = 10, cap: Double = 300) {
        self.initial = initial
        self.cap = cap
    }

    /// The delay before the next start, given how long the container that just exited ran.
    mutating func next(afterRunning seconds: Double) -> Double {
        if seconds >= 2 * cap { failures = 0 }
        failures += 1
        if failures == 1 { return 0 }
        return min(cap, initial * pow(2, Double(failures - 2)))
    }
}
