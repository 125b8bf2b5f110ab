/// One accepted client connection: feeds the request parser from the socket, hands each request
/// to the handler as an `HTTPServerExchange`, and answers pipelined requests strictly in order by
/// not parsing the next request until the current response has ended. Loop-local.
final class HTTPServerConnection: SocketDelegate {
    let socket: Socket
    let remoteAddress: String
    private let context: ServerLoopContext
    private var parser: RequestParser
    private(set) var exchange: HTTPServerExchange?
    private var deadline: Deadline!
    private var timerIsHeader = false
    private var processing = false
    private var reprocess = false
    private var served = 0
    private(set) var closed = false
    /// Set when the connection stopped speaking HTTP (upgrade); the tunnel owns the socket.
    var detached = false

    init(socket: Socket, remoteAddress: String, context: ServerLoopContext) {
        self.socket = socket
        self.remoteAddress = remoteAddress
        self.context = context
        self.parser = RequestParser(limits: context.configuration.limits)
        socket.delegate = self
        deadline = Deadline(loop: socket.loop) { [unowned self] in timedOut() }
        armTimer(header: true)
    }

    var isIdle: Bool { exchange == nil && parser.isIdle && socket.unreadCount == 0 }

    // MARK: socket events

    func socketReadable(_ socket: Socket) {
        if closing { socket.inStart = socket.inEnd; return }  // lingering close: drop input
        process()
    }

    func socketWritable(_ socket: Socket) {
        exchange?.onWritable?()
        process()
    }

    func socketClosed(_ socket: Socket, errno: Int32) { close() }

    // MARK: parsing

    /// Parses as far as the current exchange allows. Re-entrant calls (a handler responding from
    /// inside a body callback) are folded into the running loop so offsets never go stale.
    func process() {
        if processing { reprocess = true; return }
        processing = true
        repeat {
            reprocess = false
            step()
        } while reprocess && !closed
        processing = false
        updateReading()
    }

    private func step() {
        while !closed && !detached && !closing {
            if let ex = exchange {
                guard ex.wantsBodyEvents else { return }
            }
            var i = socket.inStart
            let end = socket.inEnd
            let event = socket.inbound.withUnsafeBytes { raw -> HTTPParserEvent<HTTPRequestHead> in
                let buf = UnsafeRawBufferPointer(rebasing: raw[..<end])
                let e = parser.next(buf, at: &i)
                if case .body(let r) = e { exchange?.deliver(UnsafeRawBufferPointer(rebasing: buf[r])) }
                return e
            }
            socket.inStart = i
            switch event {
            case .needMore:
                if exchange == nil && !parser.isIdle && !timerIsHeader { armTimer(header: true) }
                return
            case .head(let head):
                startExchange(head)
            case .body:
                break
            case .end(let trailers):
                guard let ex = exchange else { return }
                ex.deliverEnd(trailers)
                if ex.isResponseComplete { finishExchange(ex) }
            case .error(let e):
                fail(e)
                return
            }
        }
    }

    private func startExchange(_ head: HTTPRequestHead) {
        deadline.disarm()
        let ex = HTTPServerExchange(head: head, remoteAddress: remoteAddress, connection: self)
        exchange = ex
        context.handler(ex)
    }

    /// Keeps reading while there is room and the parser can use the bytes; otherwise lets the
    /// kernel buffer fill so the client slows down (backpressure and pipelining bound).
    private func updateReading() {
        guard !closed, !detached else { return }
        if closing { socket.setReading(true); return }
        let bufferFull = socket.unreadCount >= socket.maxInbound - 1024
        let bodyBlocked = exchange.map { !$0.isRequestComplete && !$0.wantsBodyEvents } ?? false
        let outputBlocked = !socket.isWritable
        socket.setReading(!(bufferFull || (bodyBlocked && socket.unreadCount > 0) || outputBlocked))
    }

    /// A malformed request: answer with its status and a one-line body, then close.
    private func fail(_ error: HTTPParseError) {
        if let ex = exchange, ex.isResponseStarted {
            close()
            return
        }
        exchange?.markAborted()
        exchange?.releaseCallbacks()
        exchange = nil
        let body = Array((error.description + "\n").utf8)
        var out: [UInt8] = []
        HTTPWriter.appendResponseHead(HTTPResponseHead(status: error.status, headers: HTTPHeaders([
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(body.count)), ("Connection", "close"),
        ])), to: &out)
        socket.write(out + body)
        closeAfterFlush()
    }

    // MARK: exchange lifecycle

    func mayKeepAlive(_ ex: HTTPServerExchange) -> Bool {
        if !ex.head.keepAlive || context.draining || ex.closeAfterResponse { return false }
        // Answered before the request body was read: rather than read and drop an unknown amount
        // (or wait for a body a 100-continue client will never send), close after the response.
        if !ex.isRequestComplete && ex.head.framing != .none && ex.head.framing != .length(0) { return false }
        return true
    }

    func exchangeResponded(_ ex: HTTPServerExchange) {
        guard ex === exchange else { return }
        if ex.closeAfterResponse {
            exchange = nil
            ex.releaseCallbacks()
            closeAfterFlush()
            return
        }
        if ex.isRequestComplete {
            finishExchange(ex)
        } else {
            // Read and drop the rest of the request body, then go on with the next request.
            ex.discardingBody = true
            process()
        }
    }

    private func finishExchange(_ ex: HTTPServerExchange) {
        guard ex === exchange, ex.isResponseComplete, ex.isRequestComplete else { return }
        exchange = nil
        ex.releaseCallbacks()
        served += 1
        if context.draining {
            closeAfterFlush()
            return
        }
        armTimer(header: !parser.isIdle || socket.unreadCount > 0)
        process()
    }

    // MARK: timers and closing

    private func armTimer(header: Bool) {
        timerIsHeader = header
        let config = context.configuration
        deadline.arm(afterNanoseconds: header ? config.headerTimeoutNanoseconds : config.keepAliveTimeoutNanoseconds)
    }

    private func timedOut() {
        if closing { close(); return }
        guard exchange == nil else { return }
        if timerIsHeader && !parser.isIdle {
            fail(HTTPParseError.headerTimeout)
        } else {
            close()
        }
    }

    private var closing = false

    /// Closes gracefully: sends what is queued, half-closes, and keeps reading (discarding) until
    /// the client closes or a short bound passes. Closing with unread input would make the kernel
    /// send RST, which can destroy the response before the client reads it.
    func closeAfterFlush() {
        guard !closing, !closed else { return }
        closing = true
        socket.shutdownWrite()
        socket.setReading(true)
        deadline.arm(afterNanoseconds: 2_000_000_000)
    }

    func close() {
        guard !closed else { return }
        closed = true
        deadline.cancel()
        exchange?.markAborted()
        exchange?.releaseCallbacks()
        exchange = nil
        if !detached { socket.close() }
        context.connectionClosed(self)
    }

    /// Closes a connection between requests. A response that just ended may still sit in the
    /// outbound buffer (writes leave at the end of the loop iteration): send it first.
    func closeIdle() {
        if socket.pendingOutput > 0 { closeAfterFlush() } else { close() }
    }

    /// The server began draining: idle connections were closed already; tell a busy exchange.
    func serverDraining() {
        let notify = exchange?.onShutdown
        exchange?.onShutdown = nil
        notify?()
    }

    /// Hands the socket to a tunnel: this connection stops parsing and forgets it.
    func detachForUpgrade() -> Socket {
        detached = true
        deadline.cancel()
        exchange = nil
        closed = true
        context.connectionClosed(self)
        return socket
    }
}
