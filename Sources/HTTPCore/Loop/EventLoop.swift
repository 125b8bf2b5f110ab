import CDozeSys
import Glibc
import Synchronization

/// Something registered with an event loop for readiness of one file descriptor.
protocol LoopSelectable: AnyObject {
    func ready(_ events: UInt32)
}

/// One epoll instance driven by its own thread. Everything registered on a loop (sockets,
/// timers, pools) is touched only from that thread, so the data path needs no locks; other
/// threads hand work over with `execute`, which queues it and signals an eventfd.
///
/// Readiness is level-triggered: a connection that stops reading for backpressure simply drops
/// EPOLLIN from its interest set and is not woken again, and no readiness can be lost when a
/// handler consumes only part of what is available (edge-triggered would force draining every
/// socket to EAGAIN on each wakeup, which fights backpressure). EPOLLOUT is only in the set while
/// a socket has unsent bytes, so an idle connection costs nothing.
public final class EventLoop: @unchecked Sendable {
    public let index: Int
    let epfd: Int32
    private let wakeFD: Int32
    private var handlers: [UInt64: LoopSelectable] = [:]
    private var nextToken: UInt64 = 1
    private let queue = Mutex<[@Sendable () -> Void]>([])
    private var timers = TimerHeap()
    private var running = false
    private var threadID = pthread_t()
    private var onExit: (@Sendable () -> Void)?
    /// Per-loop state owned by users of the loop (e.g. the upstream pool), keyed by name.
    var locals: [String: AnyObject] = [:]
    /// A scratch buffer any handler on this loop may use while it runs (never across calls).
    var scratch = [UInt8](repeating: 0, count: 65536)

    init(index: Int) throws {
        self.index = index
        let ep = doze_epoll_create()
        guard ep >= 0 else { throw HTTPCoreError.system("epoll_create1", ep) }
        let ev = doze_eventfd()
        guard ev >= 0 else { _ = doze_close(ep); throw HTTPCoreError.system("eventfd", ev) }
        epfd = ep
        wakeFD = ev
        _ = doze_epoll_ctl(epfd, Int32(DOZE_CTL_ADD), wakeFD, UInt32(DOZE_EPOLLIN), 0)
    }

    deinit {
        _ = doze_close(epfd)
        _ = doze_close(wakeFD)
    }

    /// True on this loop's own thread.
    public var inLoop: Bool { running && pthread_equal(pthread_self(), threadID) != 0 }

    /// Runs `work` on the loop's thread (later, even when called from it).
    public func execute(_ work: @escaping @Sendable () -> Void) {
        queue.withLock { $0.append(work) }
        _ = doze_eventfd_signal(wakeFD)
    }

    /// Calls `callback` on the loop after `nanoseconds`. Loop thread only.
    @discardableResult
    public func schedule(afterNanoseconds ns: Int64, _ callback: @escaping () -> Void) -> LoopTimer {
        schedule(atNanoseconds: monotonicNow() + ns, callback)
    }

    @discardableResult
    func schedule(atNanoseconds deadline: Int64, _ callback: @escaping () -> Void) -> LoopTimer {
        let t = LoopTimer(deadline: deadline, callback: callback)
        timers.push(t)
        return t
    }

    /// The monotonic time when the loop last woke up (cheap; good enough for timeouts).
    private(set) var now: Int64 = monotonicNow()

    /// Sockets with output written during this iteration; flushed before the loop waits again,
    /// so a response head, body and chunk framing leave in one send instead of several.
    private var flushQueue: [Socket] = []
    /// The batch being flushed; swapped with `flushQueue` so neither array is ever reallocated
    /// (copying and then clearing one would allocate fresh storage on every iteration).
    private var flushing: [Socket] = []

    func deferFlush(_ socket: Socket) { flushQueue.append(socket) }

    private func runDeferredFlushes() {
        while !flushQueue.isEmpty {
            swap(&flushQueue, &flushing)
            for i in flushing.indices { flushing[i].deferredFlush() }
            flushing.removeAll(keepingCapacity: true)
        }
    }

    // MARK: registration (loop thread only)

    func register(fd: Int32, events: UInt32, _ handler: LoopSelectable) -> UInt64 {
        let token = nextToken
        nextToken += 1
        handlers[token] = handler
        _ = doze_epoll_ctl(epfd, Int32(DOZE_CTL_ADD), fd, events, token)
        return token
    }

    func modify(fd: Int32, token: UInt64, events: UInt32) {
        _ = doze_epoll_ctl(epfd, Int32(DOZE_CTL_MOD), fd, events, token)
    }

    /// Removes the descriptor from the loop and closes it.
    func close(fd: Int32, token: UInt64) {
        _ = doze_epoll_ctl(epfd, Int32(DOZE_CTL_DEL), fd, 0, 0)
        handlers[token] = nil
        _ = doze_close(fd)
    }

    // MARK: running

    /// Starts the loop's thread; `onExit` runs on it after the loop stops.
    func start(onExit: @escaping @Sendable () -> Void) {
        self.onExit = onExit
        spawnThread { [self] in run() }
    }

    /// Asks the loop to stop after the current iteration.
    func stop() { execute { [self] in running = false } }

    private func run() {
        threadID = pthread_self()
        running = true
        var events = [doze_event](repeating: doze_event(), count: 256)
        while running {
            runDeferredFlushes()
            let timeout = timers.waitMilliseconds(now: monotonicNow())
            let n = events.withUnsafeMutableBufferPointer { doze_epoll_wait(epfd, $0.baseAddress, 256, timeout) }
            now = monotonicNow()
            for i in 0..<max(Int(n), 0) {
                let ev = events[i]
                if ev.token == 0 {
                    _ = doze_eventfd_drain(wakeFD)
                    runQueued()
                } else {
                    // Look up first: the handler may register others, which mutates `handlers`.
                    let handler = handlers[ev.token]
                    handler?.ready(ev.events)
                }
            }
            for fire in timers.takeExpired(now: now) { fire() }
        }
        running = false
        onExit?()
    }

    private func runQueued() {
        let work = queue.withLock { q -> [@Sendable () -> Void] in
            let w = q
            q.removeAll(keepingCapacity: true)
            return w
        }
        for w in work { w() }
    }
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Starts a detached pthread running `body` (HTTPCore avoids Foundation's Thread).
func spawnThread(_ body: @escaping () -> Void) {
    var tid = pthread_t()
    let arg = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    let rc = pthread_create(&tid, nil, { raw in
        let b = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
        b.body()
        return nil
    }, arg)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    pthread_detach(tid)
}
