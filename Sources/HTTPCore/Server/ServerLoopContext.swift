import CDozeSys

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

    init(loop: EventLoop, listenFD: Int32, configuration: HTTPServerConfiguration,
         handler: @escaping @Sendable (HTTPServerExchange) -> Void) {
        self.loop = loop
        self.listenFD = listenFD
        self.configuration = configuration
        self.handler = handler
    }

    var connectionCount: Int { connections.count }

    /// Loop thread: starts accepting.
    func start() {
        listenToken = loop.register(fd: listenFD, events: UInt32(DOZE_EPOLLIN), self)
    }

    /// Accepts a batch; level-triggered epoll reports the listener again if more are queued.
    func ready(_ events: UInt32) {
        for _ in 0..<64 {
            let fd = doze_accept(listenFD, &address, address.count)
            if fd < 0 { return }  // EAGAIN, or EMFILE and friends: try again on the next wakeup
            let peer = String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let socket = Socket(fd: fd, loop: loop, maxInbound: configuration.maxInboundBuffer)
            let conn = HTTPServerConnection(socket: socket, remoteAddress: peer, context: self)
            connections[ObjectIdentifier(conn)] = conn
        }
    }

    func connectionClosed(_ conn: HTTPServerConnection) {
        connections[ObjectIdentifier(conn)] = nil
        if draining && connections.isEmpty { finishDrain() }
    }

    /// Stops accepting, closes idle connections, lets busy ones finish their current exchange
    /// (they close after it), and force-closes what is left when the grace period ends.
    func drain(onDrained: @escaping () -> Void) {
        guard !draining else { return }
        draining = true
        self.onDrained = onDrained
        if listenToken != 0 { loop.close(fd: listenFD, token: listenToken) } else { _ = doze_close(listenFD) }
        listenFD = -1
        for conn in connections.values where conn.isIdle { conn.close() }
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
