import CDozeSys

/// What a `Socket` tells its owner. All calls happen on the socket's loop.
protocol SocketDelegate: AnyObject {
    /// New bytes are in `socket.inbound[inStart..<inEnd]`; consume by advancing `inStart`.
    func socketReadable(_ socket: Socket)
    /// Unsent output fell below the low-water mark after having been above the high-water mark.
    func socketWritable(_ socket: Socket)
    /// The peer closed its side (read returned 0) or an error occurred (errno, 0 for EOF).
    func socketClosed(_ socket: Socket, errno: Int32)
    /// An outgoing connect finished (errno 0) or failed.
    func socketConnected(_ socket: Socket, errno: Int32)
}

extension SocketDelegate {
    func socketConnected(_ socket: Socket, errno: Int32) {}
}

/// A non-blocking TCP socket on one loop with a reused inbound buffer, an outbound buffer,
/// and high/low-water marks for backpressure. A thin I/O shell: protocol logic lives in delegates.
final class Socket: LoopSelectable {
    static let highWater = 256 * 1024
    static let lowWater = 64 * 1024

    let fd: Int32
    unowned let loop: EventLoop
    private(set) var token: UInt64 = 0
    /// Strong on purpose: a weak reference would give every delegate a side table and send each
    /// retain/release down the slow path. The cycle (owner ↔ socket) is broken by `close()`.
    var delegate: SocketDelegate?

    var inbound: [UInt8]
    var inStart = 0
    var inEnd = 0
    let maxInbound: Int
    private var outbound: [UInt8] = []
    private var outSent = 0
    private var interest: UInt32 = 0
    private var connecting: Bool
    private var aboveHighWater = false
    private var readingPaused = false
    private var shutdownAfterFlush = false
    private(set) var isClosed = false

    init(fd: Int32, loop: EventLoop, connecting: Bool = false, inboundSize: Int = 8192, maxInbound: Int = 65536) {
        self.fd = fd
        self.loop = loop
        self.connecting = connecting
        self.inbound = [UInt8](repeating: 0, count: inboundSize)
        self.maxInbound = maxInbound
        interest = connecting ? UInt32(DOZE_EPOLLOUT) : wantedInterest()
        token = loop.register(fd: fd, events: interest, self)
    }

    var pendingOutput: Int { outbound.count - outSent }
    var isWritable: Bool { !aboveHighWater }
    var unreadCount: Int { inEnd - inStart }

    // MARK: reading

    /// Stops or resumes reading (backpressure: the consumer of our bytes is full).
    func setReading(_ on: Bool) {
        readingPaused = !on
        updateInterest()
    }

    func ready(_ events: UInt32) {
        if connecting {
            connecting = false
            let err = doze_socket_error(fd)
            if err == 0 && pendingOutput > 0 { flush() }
            updateInterest()
            delegate?.socketConnected(self, errno: -err)
            return
        }
        if events & UInt32(DOZE_EPOLLOUT) != 0 { flush() }
        if isClosed { return }
        if readingPaused {
            // HUP/ERR are reported even when not asked for; a dead peer ends the connection.
            if events & UInt32(DOZE_EPOLLHUP | DOZE_EPOLLERR) != 0 { delegate?.socketClosed(self, errno: -doze_socket_error(fd)) }
        } else if events & UInt32(DOZE_EPOLLIN | DOZE_EPOLLHUP | DOZE_EPOLLERR | DOZE_EPOLLRDHUP) != 0 {
            readOnce()
        }
    }

    /// One read per readiness event: level-triggered epoll calls again if more is waiting, which
    /// keeps one busy connection from starving the others on the loop.
    private func readOnce() {
        if inStart == inEnd { inStart = 0; inEnd = 0 }
        if inEnd == inbound.count {
            if inStart > 0 {
                inbound.withUnsafeMutableBytes { b in
                    b.baseAddress!.copyMemory(from: b.baseAddress! + inStart, byteCount: inEnd - inStart)
                }
                inEnd -= inStart
                inStart = 0
            } else if inbound.count < maxInbound {
                inbound.append(contentsOf: repeatElement(0, count: min(inbound.count, maxInbound - inbound.count)))
            } else {
                // Full and the consumer took nothing: it must pause us; never spin.
                setReading(false)
                return
            }
        }
        let n = inbound.withUnsafeMutableBytes { b in doze_read(fd, b.baseAddress! + inEnd, b.count - inEnd) }
        if n > 0 {
            // A read that filled the buffer suggests a stream: grow so later reads are bigger.
            if inEnd + n == inbound.count && inStart == 0 && inbound.count < maxInbound {
                inbound.append(contentsOf: repeatElement(0, count: min(inbound.count, maxInbound - inbound.count)))
            }
            inEnd += n
            delegate?.socketReadable(self)
        } else if n == 0 {
            delegate?.socketClosed(self, errno: 0)
        } else if n != -11 && n != -4 {  // EAGAIN, EINTR
            delegate?.socketClosed(self, errno: Int32(-n))
        }
    }

    // MARK: writing

    /// Queues bytes; they leave when the loop finishes its current iteration (or at once when
    /// much is queued), so the pieces of one response share a single send.
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosed, bytes.count > 0 else { return }
        if pendingOutput == 0 && !connecting && bytes.count >= Self.directWrite {
            // Large payloads (streamed bodies) skip the copy when nothing is queued before them.
            let n = doze_send(fd, bytes.baseAddress!, bytes.count)
            if n == bytes.count { return }
            let sent = max(n, 0)
            append(UnsafeRawBufferPointer(rebasing: bytes[sent...]))
            blockedOnWrite = true
            updateInterest()
            return
        }
        append(bytes)
        if pendingOutput >= Self.directWrite { flush() } else if !flushQueued && !connecting {
            flushQueued = true
            loop.deferFlush(self)
        }
    }

    /// Serializes straight into the outbound buffer (heads, chunk framing): no temporary array.
    /// The bytes leave like `write`'s.
    func writeInPlace(_ serialize: (inout [UInt8]) -> Void) {
        guard !isClosed else { return }
        if outSent > 0 && outSent == outbound.count { outbound.removeAll(keepingCapacity: true); outSent = 0 }
        let before = outbound.count
        serialize(&outbound)
        guard outbound.count > before else { return }
        if pendingOutput > Self.highWater { aboveHighWater = true }
        if pendingOutput >= Self.directWrite { flush() } else if !flushQueued && !connecting {
            flushQueued = true
            loop.deferFlush(self)
        }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) {
        if outSent > 0 && outSent == outbound.count { outbound.removeAll(keepingCapacity: true); outSent = 0 }
        outbound.append(contentsOf: bytes)
        if pendingOutput > Self.highWater { aboveHighWater = true }
    }

    private var flushQueued = false
    private var blockedOnWrite = false
    static let directWrite = 16384

    func deferredFlush() {
        flushQueued = false
        if !isClosed && pendingOutput > 0 { flush() }
    }

    func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }

    private func flush() {
        guard !isClosed else { return }
        while pendingOutput > 0 {
            let n = outbound.withUnsafeBytes { b in doze_send(fd, b.baseAddress! + outSent, b.count - outSent) }
            if n <= 0 {
                if n == -11 || n == -4 { break }
                delegate?.socketClosed(self, errno: Int32(-n))
                return
            }
            outSent += n
        }
        blockedOnWrite = pendingOutput > 0
        if pendingOutput == 0 {
            outbound.removeAll(keepingCapacity: outbound.capacity <= 1 << 20)
            outSent = 0
            if shutdownAfterFlush { _ = doze_shutdown_write(fd) }
        } else if outSent > 1 << 20 {
            outbound.removeFirst(outSent)
            outSent = 0
        }
        updateInterest()
        if aboveHighWater && pendingOutput < Self.lowWater {
            aboveHighWater = false
            delegate?.socketWritable(self)
        }
    }

    /// Half-closes the write side once everything queued has been sent.
    func shutdownWrite() {
        if pendingOutput == 0 { _ = doze_shutdown_write(fd) } else { shutdownAfterFlush = true }
    }

    // MARK: lifecycle

    private func wantedInterest() -> UInt32 {
        // RDHUP only while reading: level-triggered, it would otherwise fire on every wait.
        var e: UInt32 = 0
        if !readingPaused { e |= UInt32(DOZE_EPOLLIN | DOZE_EPOLLRDHUP) }
        // OUT only once the kernel refused bytes: output queued for the end-of-iteration flush
        // needs no wakeup, and asking for one would cost two epoll_ctl calls per response.
        if blockedOnWrite || connecting { e |= UInt32(DOZE_EPOLLOUT) }
        return e
    }

    private func updateInterest() {
        guard !isClosed, token != 0 else { return }
        let want = wantedInterest()
        if want != interest {
            interest = want
            loop.modify(fd: fd, token: token, events: want)
        }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        loop.close(fd: fd, token: token)
        delegate = nil
    }
}
