/// One request and its response on a server connection: the connection-level API.
///
/// A handler receives the exchange on the connection's event loop as soon as the request head
/// has been parsed. Everything here is loop-local: call it only from callbacks on `loop` (or via
/// `loop.execute`). The request body is held back until `readBody` is called (then `Expect:
/// 100-continue` is answered), and flows with backpressure: `pauseBody()` stops reading the
/// client, `resumeBody()` continues. The response goes out with `sendHead`/`sendBody`/`sendEnd`;
/// when `isWritable` turns false, stop producing until `onWritable` fires.
///
/// ```swift
/// let server = try HTTPConnectionServer(port: 0) { exchange in
///     exchange.readBody(onData: { _ in }, onEnd: { _ in
///         exchange.respond(status: 200, headers: ["Content-Type": "text/plain"], body: Array("hi\n".utf8))
///     })
/// }
/// ```
public final class HTTPServerExchange {
    public let head: HTTPRequestHead
    /// The client as `ip:port`.
    public let remoteAddress: String
    public let loop: EventLoop
    // Strong: a handler may hold the exchange after the connection closed; the connection drops
    // its reference when the exchange ends, so there is no lasting cycle.
    let connection: HTTPServerConnection

    private var onData: ((UnsafeRawBufferPointer) -> Void)?
    private var onEnd: ((HTTPHeaders) -> Void)?
    /// The client went away (or the exchange was aborted) before the response ended.
    public var onAbort: (() -> Void)?
    /// The server is shutting down: a long-lived response (a watch, an event stream) should end
    /// now rather than run into the grace period. Exchanges that finish on their own can ignore it.
    public var onShutdown: (() -> Void)?
    /// The client's socket drained below the low-water mark after `isWritable` was false.
    public var onWritable: (() -> Void)?

    public internal(set) var isRequestComplete = false
    public private(set) var isResponseStarted = false
    public private(set) var isResponseComplete = false
    public internal(set) var isAborted = false
    var bodyRequested = false
    var bodyPaused = false
    var continueSent = false
    var discardingBody = false
    private var framing = HTTPBodyFraming.none
    private var remaining = 0
    private var headOnly = false
    var closeAfterResponse = false
    var upgraded = false

    init(head: HTTPRequestHead, remoteAddress: String, connection: HTTPServerConnection) {
        self.head = head
        self.remoteAddress = remoteAddress
        self.connection = connection
        self.loop = connection.socket.loop
    }

    // MARK: request body

    /// Starts delivering the request body; the buffer passed to `onData` is valid only during the call.
    public func readBody(onData: @escaping (UnsafeRawBufferPointer) -> Void, onEnd: @escaping (HTTPHeaders) -> Void) {
        guard !bodyRequested else { return }
        bodyRequested = true
        self.onData = onData
        self.onEnd = onEnd
        if head.expectsContinue && !isResponseStarted && head.framing != .none && head.framing != .length(0) {
            continueSent = true
            connection.socket.write(Self.continueBytes)
        }
        connection.process()
    }

    public func pauseBody() { bodyPaused = true }

    public func resumeBody() {
        guard bodyPaused else { return }
        bodyPaused = false
        connection.process()
    }

    /// Whether the connection should feed this exchange body events now.
    var wantsBodyEvents: Bool { !isRequestComplete && ((bodyRequested && !bodyPaused) || discardingBody) }

    func deliver(_ bytes: UnsafeRawBufferPointer) {
        if !discardingBody { onData?(bytes) }
    }

    func deliverEnd(_ trailers: HTTPHeaders) {
        isRequestComplete = true
        let end = onEnd
        onData = nil
        onEnd = nil
        if !discardingBody { end?(trailers) }
    }

    // MARK: response

    public var isWritable: Bool { connection.socket.isWritable }

    /// Sends a 1xx head (e.g. 103 Early Hints). Not for 101: use `upgrade`.
    public func sendInformational(status: Int, headers: HTTPHeaders = HTTPHeaders()) {
        guard !isResponseStarted, !isAborted, status >= 100, status < 200, status != 101 else { return }
        var out: [UInt8] = []
        HTTPWriter.appendResponseHead(HTTPResponseHead(status: status, headers: headers), to: &out)
        connection.socket.write(out)
    }

    /// Writes the status line and headers. The exchange sets the framing headers itself
    /// (`Content-Length` or `Transfer-Encoding: chunked`, and `Connection: close` when the
    /// connection will not be reused), dropping any the caller passed, so framing is never ambiguous.
    public func sendHead(status: Int, reason: String = "", headers: HTTPHeaders = HTTPHeaders(), framing: HTTPBodyFraming) {
        guard !isResponseStarted, !isAborted else { return }
        isResponseStarted = true
        headOnly = head.method == "HEAD" || status == 204 || status == 304
        var f = framing
        if f == .chunked && head.version == .http10 { f = .untilClose }
        var lengthField: Int?
        var chunkedField = false
        switch f {
        case .length(let n):
            if status != 204 && status != 304 { lengthField = n }
            remaining = n
        case .chunked:
            chunkedField = true
        case .none:
            if !headOnly { lengthField = 0 }
            remaining = 0
        case .untilClose:
            closeAfterResponse = true
        }
        self.framing = headOnly ? .none : f
        if !connection.mayKeepAlive(self) { closeAfterResponse = true }
        let close = closeAfterResponse, keepAlive10 = !close && head.version == .http10
        // Serialized straight into the socket's buffer: the caller's fields minus the framing
        // ones, then the framing this exchange decides (no header copies, no temporary array).
        connection.socket.writeInPlace { out in
            HTTPWriter.appendStatusLine(version: .http11, status: status, reason: reason, to: &out)
            HTTPWriter.appendFields(headers, exceptFraming: false, to: &out)
            if let n = lengthField { HTTPWriter.appendField("Content-Length", decimal: n, to: &out) }
            if chunkedField { HTTPWriter.appendStatic("Transfer-Encoding: chunked\r\n", to: &out) }
            if close { HTTPWriter.appendStatic("Connection: close\r\n", to: &out) }
            if keepAlive10 { HTTPWriter.appendStatic("Connection: keep-alive\r\n", to: &out) }
            out.append(CR)
            out.append(LF)
        }
    }

    public func sendBody(_ bytes: UnsafeRawBufferPointer) {
        guard isResponseStarted, !isResponseComplete, !isAborted, bytes.count > 0 else { return }
        switch framing {
        case .none: return
        case .length:
            let n = min(bytes.count, remaining)
            remaining -= n
            connection.socket.write(UnsafeRawBufferPointer(rebasing: bytes[..<n]))
        case .chunked:
            connection.socket.writeInPlace { HTTPWriter.appendChunkHeader(bytes.count, to: &$0) }
            connection.socket.write(bytes)
            connection.socket.write(HTTPWriter.crlf)
        case .untilClose:
            connection.socket.write(bytes)
        }
    }

    public func sendBody(_ bytes: [UInt8]) { bytes.withUnsafeBytes { sendBody($0) } }

    /// Ends the response. A length-framed body that fell short closes the connection, since
    /// the client could not tell where the next response starts.
    public func sendEnd(trailers: HTTPHeaders = HTTPHeaders()) {
        guard isResponseStarted, !isResponseComplete, !isAborted else { return }
        isResponseComplete = true
        switch framing {
        case .chunked:
            if trailers.isEmpty {
                connection.socket.write(HTTPWriter.lastChunk)
            } else {
                var out = Array("0\r\n".utf8)
                HTTPWriter.appendFields(trailers, to: &out)
                out += HTTPWriter.crlf
                connection.socket.write(out)
            }
        case .length where remaining > 0:
            closeAfterResponse = true
        default:
            break
        }
        onWritable = nil
        connection.exchangeResponded(self)
    }

    /// A whole response in one call.
    public func respond(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        sendHead(status: status, headers: headers, framing: .length(body.count))
        sendBody(body)
        sendEnd()
    }

    /// Answers `101 Switching Protocols` with `headers` as given and gives up the connection:
    /// it stops speaking HTTP, and the returned socket (with any bytes the client sent after the
    /// request head still in its buffer) belongs to the caller, typically a `Tunnel`.
    func switchProtocols(headers: HTTPHeaders) -> Socket? {
        guard !isResponseStarted, !isAborted, isRequestComplete else { return nil }
        isResponseStarted = true
        isResponseComplete = true
        upgraded = true
        var out: [UInt8] = []
        HTTPWriter.appendResponseHead(HTTPResponseHead(status: 101, headers: headers), to: &out)
        connection.socket.write(out)
        onAbort = nil
        onWritable = nil
        return connection.detachForUpgrade()
    }

    /// Drops the client connection now (e.g. the upstream failed after the response started).
    public func abort() {
        guard !isAborted, !isResponseComplete else { return }
        connection.close()
    }

    func markAborted() {
        guard !isAborted, !isResponseComplete else { return }
        isAborted = true
        let a = onAbort
        onAbort = nil
        onWritable = nil
        onData = nil
        onEnd = nil
        a?()
    }

    /// Drops every callback: they usually capture the exchange's user, which holds the
    /// exchange, so clearing them when the exchange leaves its connection breaks the cycle.
    func releaseCallbacks() {
        onData = nil
        onEnd = nil
        onAbort = nil
        onWritable = nil
        onShutdown = nil
    }

    static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
