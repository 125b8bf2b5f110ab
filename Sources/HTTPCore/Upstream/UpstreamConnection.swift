import CDozeSys

/// Where an upstream lives. Host is an IP literal or a name (names resolve with a blocking
/// lookup when a connection opens, so prefer literals on the data path).
public struct UpstreamAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) { self.host = host; self.port = port }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A client connection to an upstream server, loop-local. Obtain one from `UpstreamPool`; write
/// one request (`sendHead`, `sendBody`, `sendEnd`) and receive its response through the callbacks.
/// When the response ends on a reusable connection it returns to the pool by itself.
///
/// Backpressure both ways: `isWritable`/`onWritable` for the request body, and
/// `pauseResponse()`/`resumeResponse()` to stop reading the upstream while the client is slow.
public final class UpstreamConnection: SocketDelegate {
    public let address: UpstreamAddress
    let socket: Socket
    /// Strong (a weak reference would give every connection a side table and slow down each
    /// retain of it); dropped when the connection closes, so idle connections that time out
    /// or close release their pool.
    var pool: UpstreamPool?
    var connectTimer: LoopTimer?
    private var parser = ResponseParser()
    /// The connection came from the pool's idle set (it may have been closed by the peer meanwhile).
    public internal(set) var isReused = false
    /// Whether any byte of the current request reached the socket: a failure before that can be
    /// retried elsewhere without risk of the upstream acting twice.
    public private(set) var requestBytesSent = false
    public private(set) var responseStarted = false
    private var requestFraming = HTTPBodyFraming.none
    private var requestComplete = false
    private var responseComplete = false
    private var responseKeepAlive = true
    private var paused = false
    private var processing = false
    private var reprocess = false
    private lazy var headerDeadline = Deadline(loop: socket.loop) { [unowned self] in fail(.responseTimeout) }
    /// The pool's idle timeout for this connection while it sits in the pool.
    lazy var idleDeadline = Deadline(loop: socket.loop) { [unowned self] in pool?.remove(self); close() }
    var connectCallback: ((HTTPCoreError?) -> Void)?
    private(set) var closed = false
    var inPool = false

    public var onResponseHead: ((HTTPResponseHead) -> Void)?
    public var onResponseBody: ((UnsafeRawBufferPointer) -> Void)?
    public var onResponseEnd: ((HTTPHeaders) -> Void)?
    /// The connection failed (reset, timeout, malformed response) before the response ended.
    public var onError: ((HTTPCoreError) -> Void)?
    /// Request output drained below the low-water mark.
    public var onWritable: (() -> Void)?

    init(address: UpstreamAddress, socket: Socket) {
        self.address = address
        self.socket = socket
        socket.delegate = self
    }

    public var loop: EventLoop { socket.loop }
    public var isWritable: Bool { socket.isWritable }
    public var isUpgraded: Bool { parser.isUpgraded }

    // MARK: request

    /// Writes the request head. Framing headers come from `head.framing` (Content-Length or
    /// chunked); `Connection` is dropped, except that an upgrade offer (`head.upgrade`) is kept.
    public func sendHead(_ head: HTTPRequestHead, responseHeaderTimeoutNanoseconds: Int64? = nil) {
        let framing = head.framing
        let upgrade = head.upgrade
        // Serialized straight into the socket's buffer: the caller's fields minus the framing
        // ones, then the framing this connection decides (no header copies, no temporary array).
        socket.writeInPlace { out in
            out.append(contentsOf: head.method.utf8)
            out.append(SP)
            out.append(contentsOf: head.target.utf8)
            HTTPWriter.appendStatic(" HTTP/1.1\r\n", to: &out)
            HTTPWriter.appendFields(head.headers, exceptFraming: upgrade != nil, to: &out)
            switch framing {
            case .length(let n): HTTPWriter.appendField("Content-Length", decimal: n, to: &out)
            case .chunked: HTTPWriter.appendStatic("Transfer-Encoding: chunked\r\n", to: &out)
            case .none, .untilClose: break
            }
            if let upgrade {
                HTTPWriter.appendField("Upgrade", upgrade, to: &out)
                HTTPWriter.appendStatic("Connection: upgrade\r\n", to: &out)
            }
            out.append(CR)
            out.append(LF)
        }
        requestFraming = framing == .untilClose ? .none : framing
        parser.expect(method: head.method)
        requestBytesSent = true
        if case .length(let n) = requestFraming, n > 0 {} else if requestFraming != .chunked { requestComplete = true }
        if let ns = responseHeaderTimeoutNanoseconds { headerDeadline.arm(afterNanoseconds: ns) }
    }

    public func sendBody(_ bytes: UnsafeRawBufferPointer) {
        guard !closed, !requestComplete, bytes.count > 0 else { return }
        if requestFraming == .chunked {
            socket.writeInPlace { HTTPWriter.appendChunkHeader(bytes.count, to: &$0) }
            socket.write(bytes)
            socket.write(HTTPWriter.crlf)
        } else {
            socket.write(bytes)
        }
    }

    public func sendEnd(trailers: HTTPHeaders = HTTPHeaders()) {
        guard !closed, !requestComplete else { return }
        requestComplete = true
        if requestFraming == .chunked {
            var out = Array("0\r\n".utf8)
            HTTPWriter.appendFields(trailers, to: &out)
            out += HTTPWriter.crlf
            socket.write(out)
        }
        releaseIfDone()
    }

    // MARK: response

    public func pauseResponse() { paused = true; socket.setReading(false) }

    public func resumeResponse() {
        guard paused else { return }
        paused = false
        socket.setReading(true)
        process()
    }

    func socketReadable(_ socket: Socket) {
        // An idle upstream has nothing to say; bytes (or a 408) mean it is going away.
        if inPool { pool?.remove(self); close(); return }
        process()
    }
    func socketWritable(_ socket: Socket) { onWritable?() }

    func socketClosed(_ socket: Socket, errno: Int32) {
        if inPool { pool?.remove(self); close(); return }
        if errno == 0 && !parser.isUpgraded {
            // EOF: ends a read-until-close body, otherwise the response was cut short.
            let e = parser.finish()
            if case .end(let t) = e {
                responseKeepAlive = false
                finishResponse(t)
                return
            }
        }
        fail(errno == 0 ? .closed : .system("read", -errno))
    }

    func socketConnected(_ socket: Socket, errno: Int32) {
        connectTimer?.cancel()
        connectTimer = nil
        let cb = connectCallback
        connectCallback = nil
        cb?(errno == 0 ? nil : .system("connect", -errno))
    }

    private func process() {
        if processing { reprocess = true; return }
        processing = true
        repeat {
            reprocess = false
            step()
        } while reprocess && !closed
        processing = false
    }

    private func step() {
        while !closed && !paused && !parser.isUpgraded && !inPool {
            var i = socket.inStart
            let end = socket.inEnd
            let event = socket.inbound.withUnsafeBytes { raw -> HTTPParserEvent<HTTPResponseHead> in
                let buf = UnsafeRawBufferPointer(rebasing: raw[..<end])
                let e = parser.next(buf, at: &i)
                if case .body(let r) = e { onResponseBody?(UnsafeRawBufferPointer(rebasing: buf[r])) }
                return e
            }
            socket.inStart = i
            switch event {
            case .needMore: return
            case .head(let head):
                if !head.isInformational || head.status == 101 {
                    headerDeadline.disarm()
                    responseStarted = true
                    responseKeepAlive = head.keepAlive
                }
                onResponseHead?(head)
            case .body: break
            case .end(let trailers):
                if parser.isUpgraded { return }
                finishResponse(trailers)
            case .error(let e):
                fail(.upstreamProtocol(e.description))
                return
            }
        }
    }

    private func finishResponse(_ trailers: HTTPHeaders) {
        responseComplete = true
        let end = onResponseEnd
        end?(trailers)
        releaseIfDone()
    }

    /// Back to the pool when both directions are complete and the upstream allows reuse.
    private func releaseIfDone() {
        guard responseComplete, requestComplete, !closed else { return }
        clearCallbacks()
        if responseKeepAlive && socket.unreadCount == 0, let pool {
            resetForReuse()
            pool.release(self)
        } else {
            close()
        }
    }

    private func resetForReuse() {
        parser = ResponseParser()
        requestBytesSent = false
        responseStarted = false
        requestComplete = false
        responseComplete = false
        paused = false
        socket.setReading(true)
    }

    private func clearCallbacks() {
        onResponseHead = nil
        onResponseBody = nil
        onResponseEnd = nil
        onError = nil
        onWritable = nil
    }

    func fail(_ error: HTTPCoreError) {
        guard !closed else { return }
        let cb = onError
        let connect = connectCallback
        close()
        connect?(error)
        cb?(error)
    }

    /// Closes the connection without returning it to the pool.
    public func close() {
        guard !closed else { return }
        closed = true
        headerDeadline.cancel()
        idleDeadline.cancel()
        connectTimer?.cancel()
        connectTimer = nil
        connectCallback = nil
        pool = nil
        clearCallbacks()
        if !detached { socket.close() }
    }

    private var detached = false

    /// Hands the socket to a tunnel after a 101 (bytes after the head stay in its buffer).
    func detachForUpgrade() -> Socket {
        detached = true
        close()
        return socket
    }
}
