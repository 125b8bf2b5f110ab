import Foundation
import Synchronization

/// How pods run: as local processes, or simulated (no process; Ready after a delay).
public enum PodRuntimeMode: Sendable, Equatable {
    case process
    case simulated(readyAfter: Duration)
}

/// Settings of the pod runtime. Clocks are injectable so tests can control timing.
public struct PodRuntimeOptions: Sendable {
    /// The name pods are "scheduled" to (`spec.nodeName`) and the node's IP (`status.hostIP`).
    public var nodeName = "doze-local"
    public var hostIP = "127.0.0.1"
    /// Bytes of output kept per container run (the current one and the previous one).
    public var logLimit = 1 << 20
    /// kubelet's restart back-off: 10s doubling to 5 minutes.
    public var backoffInitialSeconds: Double = 10
    public var backoffCapSeconds: Double = 300
    public var now: @Sendable () -> Date = { Date() }
    public var sleep: @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    /// Where kubelet-style Events go (Created, Started, Unhealthy, BackOff, Killing...).
    public var events: @Sendable (WorkloadEvent) -> Void = { _ in }

    public init() {}
}

/// The output of every run of a pod's containers: the current run and the one before it
/// (`kubectl logs --previous`).
final class PodLogs: Sendable {
    private typealias Runs = (current: ContainerLog?, previous: ContainerLog?)
    private let runs: Mutex<[Runs]>
    let names: [String]

    init(containerNames: [String]) {
        names = containerNames
        runs = Mutex(Array(repeating: (current: nil, previous: nil), count: containerNames.count))
    }

    func startRun(_ index: Int, _ log: ContainerLog) {
        runs.withLock { r in
            r[index].previous = r[index].current
            r[index].current = log
        }
    }

    /// The log of `container` (the first one when nil), current or previous run.
    func log(container: String?, previous: Bool) -> ContainerLog? {
        let index = container.flatMap { names.firstIndex(of: $0) } ?? (container == nil ? 0 : nil)
        guard let index, names.indices.contains(index) else { return nil }
        return runs.withLock { previous ? $0[index].previous : $0[index].current }
    }
}
