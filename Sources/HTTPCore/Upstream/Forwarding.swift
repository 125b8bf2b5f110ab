/// The state of one `HTTPServerExchange.forward`: glues the client exchange to an upstream
/// connection. Loop-local; lives until `completion` has run.
final class Forwarding {
    private let exchange: HTTPServerExchange
    private let address: UpstreamAddress
    private let head: HTTPRequestHead
    private let pool: UpstreamPool
    private let options: ForwardOptions
    private let rewrite: ((inout HTTPResponseHead) -> Void)?
    private var completion: ((ForwardOutcome) -> Void)?
    private var upstream: UpstreamConnection?
    private var bodyRequested = false
    private var bodyBytesForwarded = 0
    private var clientBodyEnded = false
    private var clientTrailers = HTTPHeaders()
    private var requestSent = false
    private var status = 0
    private var retried = false

    init(exchange: HTTPServerExchange, address: UpstreamAddress, head: HTTPRequestHead, pool: UpstreamPool,
         options: ForwardOptions, rewrite: ((inout HTTPResponseHead) -> Void)?, completion: @escaping (ForwardOutcome) -> Void) {
        self.exchange = exchange
        self.address = address
        self.head = head
        self.pool = pool
        self.options = options
        self.rewrite = rewrite
        self.completion = completion
    }

    func start() {
        exchange.onAbort = { [self] in
            upstream?.close()
            upstream = nil
            finish(.failed(ForwardFailure(error: .closed, requestSent: requestSent, responseStarted: exchange.isResponseStarted,
                                          clientAborted: true)))
        }
        exchange.onWritable = { [self] in upstream?.resumeResponse() }
        pool.acquire(address) { [self] result in connected(result) }
    }

    private func connected(_ result: Result<UpstreamConnection, HTTPCoreError>) {
        guard completion != nil else {
            if case .success(let c) = result { c.close() }
            return
        }
        switch result {
        case .failure(let error):
            finish(.failed(ForwardFailure(error: error, requestSent: requestSent, responseStarted: false, clientAborted: false)))
        case .success(let conn):
            attach(conn)
        }
    }

    private func attach(_ conn: UpstreamConnection) {
        upstream = conn
        conn.onResponseHead = { [self] h in responseHead(h) }
        conn.onResponseBody = { [self] bytes in
            exchange.sendBody(bytes)
            if !exchange.isWritable { upstream?.pauseResponse() }
        }
        conn.onResponseEnd = { [self] trailers in responseEnd(trailers) }
        conn.onError = { [self] error in upstreamFailed(error) }
        conn.onWritable = { [self] in exchange.resumeBody() }
        let timeout = options.responseHeaderTimeoutNanoseconds
        conn.sendHead(head, responseHeaderTimeoutNanoseconds: timeout)
        requestSent = true
        if clientBodyEnded {
            conn.sendEnd(trailers: clientTrailers)  // a retry of a request whose body was empty
        } else if !bodyRequested {
            bodyRequested = true
            exchange.readBody(onData: { [self] bytes in
                bodyBytesForwarded += bytes.count
                upstream?.sendBody(bytes)
                if upstream?.isWritable == false { exchange.pauseBody() }
            }, onEnd: { [self] trailers in
                clientBodyEnded = true
                clientTrailers = trailers
                upstream?.sendEnd(trailers: trailers)
            })
        } else {
            exchange.resumeBody()
        }
    }

    private func responseHead(_ h: HTTPResponseHead) {
        if h.isInformational && h.status != 101 { return }  // 100 was answered locally; 103 is dropped
        var h = h
        rewrite?(&h)
        status = h.status
        if h.status == 101 {
            guard head.upgrade != nil, let conn = upstream, let client = exchange.switchProtocols(headers: h.headers) else {
                upstreamFailed(.upstreamProtocol("unexpected 101"))
                return
            }
            upstream = nil
            let tunnel = Tunnel(client, conn.detachForUpgrade())
            finish(.upgraded(tunnel))
            tunnel.start()
            return
        }
        var framing = h.framing
        switch framing {
        case .untilClose: framing = .chunked  // keep the client connection reusable
        case .none where exchange.head.method == "HEAD":
            if let cl = h.headers["content-length"], let n = Int(cl) { framing = .length(n) }
        default: break
        }
        exchange.sendHead(status: h.status, reason: h.reason, headers: h.headers, framing: framing)
    }

    private func responseEnd(_ trailers: HTTPHeaders) {
        exchange.sendEnd(trailers: trailers)
        // An upstream that answered before reading the whole body cannot be reused.
        if !clientBodyEnded { upstream?.close() }
        upstream = nil
        finish(.responded(status: status))
    }

    private func upstreamFailed(_ error: HTTPCoreError) {
        guard let conn = upstream else { return }
        upstream = nil
        if exchange.isResponseStarted {
            exchange.abort()
            finish(.failed(ForwardFailure(error: error, requestSent: true, responseStarted: true, clientAborted: false)))
            return
        }
        // A pooled connection the upstream had already closed: nothing was processed, try a fresh one.
        if options.retryStalePooledConnection && conn.isReused && !retried && bodyBytesForwarded == 0 && !conn.responseStarted
            && !error.isTimeout {
            retried = true
            // Nothing reached an upstream that processes requests: if the fresh connect fails,
            // the caller may treat the request as never sent (a proxy then retries it safely).
            requestSent = false
            exchange.pauseBody()
            pool.connect(address) { [self] result in connected(result) }
            return
        }
        finish(.failed(ForwardFailure(error: error, requestSent: requestSent, responseStarted: false, clientAborted: false)))
    }

    private func finish(_ outcome: ForwardOutcome) {
        guard let c = completion else { return }
        completion = nil
        if case .failed(let f) = outcome, !f.responseStarted, !f.clientAborted {
            // The caller answers the exchange; stop forwarding its body to nowhere.
            exchange.onWritable = nil
        }
        exchange.onAbort = nil
        c(outcome)
    }
}
