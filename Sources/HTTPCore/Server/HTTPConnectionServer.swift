import CDozeSys
import Synchronization

/// An HTTP/1.1 server on epoll loops with the connection-level API: `handler` runs on the
/// connection's loop with each request head, as an `HTTPServerExchange` (see there). One
/// SO_REUSEPORT listener per loop lets the kernel spread connections over the loops.
public final class HTTPConnectionServer: Sendable {
    /// The bound port (useful after binding port 0).
    public let port: Int
    public let group: EventLoopGroup
    private let ownsGroup: Bool
    private let contexts: [LoopBound<ServerLoopContext>]
    private let counters = ServerCounters()

    /// Client connections open right now (accepted, not yet closed; upgraded ones leave the count
    /// when they become tunnels).
    public var openConnections: Int { counters.open.load(ordering: .relaxed) }

    /// Binds and listens at once (connections queue in the backlog until `start`).
    public init(host: String = "127.0.0.1", port: Int = 0, loops: Int = EventLoopGroup.coreCount,
                group: EventLoopGroup? = nil, configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                handler: @escaping @Sendable (HTTPServerExchange) -> Void) throws {
        self.ownsGroup = group == nil
        let group = try group ?? EventLoopGroup(loops: loops)
        self.group = group
        var fds: [Int32] = []
        var bound = port
        for _ in group.loops {
            let fd = host.withCString { doze_listen($0, Int32(bound), 1, Int32(configuration.listenBacklog)) }
            guard fd >= 0 else {
                fds.forEach { _ = doze_close($0) }
                throw HTTPCoreError.system("listen", fd)
            }
            fds.append(fd)
            bound = Int(doze_local_port(fd))
        }
        self.port = bound
        let counters = counters
        contexts = zip(group.loops, fds).map { loop, fd in
            LoopBound(ServerLoopContext(loop: loop, listenFD: fd, configuration: configuration, counters: counters,
                                        handler: handler))
        }
    }

    /// Starts the loops (if not running yet) and accepting.
    public func start() {
        group.start()
        for ctx in contexts {
            ctx.value.loop.execute { ctx.value.start() }
        }
    }

    /// Closes the listeners; returns once no loop accepts any more. Open connections carry on.
    public func stopAccepting() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let remaining = Counter(contexts.count) { c.resume() }
            for ctx in contexts {
                ctx.value.loop.execute {
                    ctx.value.stopAccepting()
                    remaining.decrement()
                }
            }
        }
    }

    /// Stops accepting, lets in-flight exchanges finish up to the grace period, then closes
    /// every connection and, when the server created its loops, stops them.
    public func shutdown() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let remaining = Counter(contexts.count) { c.resume() }
            for ctx in contexts {
                ctx.value.loop.execute {
                    ctx.value.drain { remaining.decrement() }
                }
            }
        }
        if ownsGroup { await group.shutdown() }
    }
}

/// Counts down from several loops; the last one runs `done`.
final class Counter: Sendable {
    private let count: Mutex<Int>
    private let done: @Sendable () -> Void

    init(_ count: Int, done: @escaping @Sendable () -> Void) {
        self.count = Mutex(count)
        self.done = done
    }

    func decrement() {
        let last = count.withLock { c -> Bool in
            c -= 1
            return c == 0
        }
        if last { done() }
    }
}
