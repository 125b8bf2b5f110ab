import Glibc
import Synchronization

/// A fixed set of event loops, one thread each (by default one per core).
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let next = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)
    private let exited = Mutex<(count: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    public init(loops count: Int = EventLoopGroup.coreCount) throws {
        loops = try (0..<max(count, 1)).map { try EventLoop(index: $0) }
    }

    public static var coreCount: Int { max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1) }

    /// Starts every loop's thread (once).
    public func start() {
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        for loop in loops {
            loop.start { [self] in
                let waiters = exited.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.count += 1
                    guard state.count == loops.count else { return [] }
                    let w = state.waiters
                    state.waiters = []
                    return w
                }
                for w in waiters { w.resume() }
            }
        }
    }

    /// Round-robin choice of a loop (for work not tied to a connection).
    public func nextLoop() -> EventLoop {
        loops[next.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Stops every loop and waits for their threads to finish.
    public func shutdown() async {
        guard started.load(ordering: .acquiring) else { return }
        for loop in loops { loop.stop() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = exited.withLock { state -> Bool in
                if state.count == loops.count { return true }
                state.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }
}
