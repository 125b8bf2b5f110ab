/// A raw bidirectional byte pipe between two sockets, used after `101 Switching Protocols`
/// (websockets and other upgrades). Bytes flow with backpressure: when one side's output is over
/// the high-water mark the other side stops being read. A side's EOF half-closes the other
/// side's output; the tunnel closes when both directions have ended or either side errors.
public final class Tunnel {
    final class End: SocketDelegate {
        let socket: Socket
        unowned let tunnel: Tunnel
        var eof = false
        init(_ socket: Socket, _ tunnel: Tunnel) {
            self.socket = socket
            self.tunnel = tunnel
        }
        func socketReadable(_ socket: Socket) { tunnel.pump(from: self) }
        func socketWritable(_ socket: Socket) { tunnel.resume(into: self) }
        func socketClosed(_ socket: Socket, errno: Int32) { tunnel.ended(self, errno: errno) }
    }

    private var a: End!
    private var b: End!
    private var closed = false
    /// Bytes from the first socket (the client) to the second (the upstream), and back.
    public private(set) var bytesAtoB = 0
    public private(set) var bytesBtoA = 0
    /// Called once when the tunnel closes.
    public var onClose: ((Tunnel) -> Void)?
    /// Called on the loop each time bytes move either way (activity tracking: a websocket
    /// with traffic keeps its app awake).
    public var onTraffic: (() -> Void)?
    private var keepAlive: Tunnel?

    /// Joins two sockets; bytes already buffered in either are forwarded first.
    init(_ first: Socket, _ second: Socket) {
        a = End(first, self)
        b = End(second, self)
        first.delegate = a
        second.delegate = b
        keepAlive = self  // the sockets hold their delegates weakly; the tunnel owns itself until closed
        first.setReading(true)
        second.setReading(true)
    }

    /// Flushes bytes that arrived before the tunnel existed (after the HTTP heads).
    func start() {
        pump(from: a)
        pump(from: b)
    }

    public var isClosed: Bool { closed }

    private func other(_ end: End) -> End { end === a ? b : a }

    fileprivate func pump(from end: End) {
        guard !closed else { return }
        let src = end.socket
        let dst = other(end).socket
        let n = src.unreadCount
        guard n > 0 else { return }
        src.inbound.withUnsafeBytes { raw in
            dst.write(UnsafeRawBufferPointer(rebasing: raw[src.inStart..<src.inEnd]))
        }
        src.inStart = src.inEnd
        if end === a { bytesAtoB += n } else { bytesBtoA += n }
        onTraffic?()
        if !dst.isWritable { src.setReading(false) }
    }

    fileprivate func resume(into end: End) {
        guard !closed else { return }
        let src = other(end)
        if !src.eof { src.socket.setReading(true) }
    }

    fileprivate func ended(_ end: End, errno: Int32) {
        guard !closed else { return }
        if errno != 0 { close(); return }
        end.eof = true
        end.socket.setReading(false)
        other(end).socket.shutdownWrite()
        if a.eof && b.eof { close() }
    }

    /// Closes both sockets.
    public func close() {
        guard !closed else { return }
        closed = true
        a.socket.close()
        b.socket.close()
        let cb = onClose
        onClose = nil
        onTraffic = nil
        cb?(self)
        keepAlive = nil
    }
}
