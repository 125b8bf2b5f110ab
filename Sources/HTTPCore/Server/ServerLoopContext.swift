import CDozeSys
import Synchronization

/// Figures shared by a server's loops (atomics: touched once per connection, not per request).
final class ServerCounters: Sendable {
    let open = Atomic<Int>(0)
}

/// A server's state on one event loop: its listener, its open connections, and draining.
final class ServerLoopContext: LoopSelectable {
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    let handler: @Sendable (HTTPServerExchange) -> Void
    private var listenFD: Int32
    private var listenToken: UInt64 = 0
    private var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    private(set) var draining = false
    private var onDrained: (() -> Void)?
    private var address = [CChar](repeating: 0, count: 64)

    private let counters: ServerCounters

    init(loop: EventLoop, listenFD: Int32, configuration: HTTPServerConfiguration, counters: ServerCounters,
         handler: @escaping @Sendable (HTTPServerExchange) -> Void) {
        self.counters = counters
        self.loop = loop
        self.listenFD = listenFD
        self.configuration = configuration
        self.handler = handler
    }

    /// A server dropped without being started still owns its listening socket.
    deinit { if listenFD >= 0 && listenToken == 0 { _ = doze_close(listenFD) } }

    var connectionCount: Int { connections.count }

    /// Loop thread: starts accepting.
    func start() {
        listenToken = loop.register(fd: listenFD, events: UInt32(DOZE_EPOLLIN), self)
    }

    /// Accepts a batch; level-triggered epoll reports the listener again if more are queued.
    func ready(_ events: UInt32) {
        for _ in 0..<64 {
            let fd = doze_accept(listenFD, &address, address.count)
            if fd == -24 || fd == -23 || fd == -105 || fd == -12 {
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: the listener stays readable, so a level-triggered
                // loop would spin. Stop listening for a moment and let connections close.
                backOff()
                return
            }
            if fd < 0 { return }  // EAGAIN: drained
            let peer = String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let socket = Socket(fd: fd, loop: loop, maxInbound: configuration.maxInboundBuffer)
            let conn = HTTPServerConnection(socket: socket, remoteAddress: peer, context: self)
            connections[ObjectIdentifier(conn)] = conn
            counters.open.add(1, ordering: .relaxed)
        }
    }

    private func backOff() {
        guard listenFD >= 0 else { return }
        loop.modify(fd: listenFD, token: listenToken, events: 0)
        loop.schedule(afterNanoseconds: 100_000_000) { [self] in
            if listenFD >= 0 { loop.modify(fd: listenFD, token: listenToken, events: UInt32(DOZE_EPOLLIN)) }
        }
    }

    /// Closes the listener (new connections are refused from now on).
    func stopAccepting() {
        guard listenFD >= 0 else { return }
        if listenToken != 0 { loop.close(fd: listenFD, token: listenToken) } else { _ = doze_close(listenFD) }
        listenFD = -1
    }

    func connectionClosed(_ conn: HTTPServerConnection) {
        guard connections.removeValue(forKey: ObjectIdentifier(conn)) != nil else { return }
        counters.open.subtract(1, ordering: .relaxed)
        if draining && connections.isEmpty { finishDrain() }
    }

    /// Stops accepting, closes idle connections, lets busy ones finish their current exchange
    /// (they close after it), and force-closes what is left when the grace period ends.
    func drain(onDrained: @escaping () -> Void) {
        guard !draining else { return }
        draining = true
        self.onDrained = onDrained
        stopAccepting()
        for conn in connections.values {
            if conn.isIdle { conn.closeIdle() } else { conn.serverDraining() }
        }
        if connections.isEmpty { finishDrain(); return }
        loop.schedule(afterNanoseconds: configuration.shutdownGraceNanoseconds) { [self] in
            for conn in connections.values { conn.close() }
            finishDrain()
        }
    }

    private func finishDrain() {
        let done = onDrained
        onDrained = nil
        done?()
    }
}
