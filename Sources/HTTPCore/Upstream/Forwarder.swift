/// Tuning for `HTTPServerExchange.forward`.
public struct ForwardOptions: Sendable {
    /// Time from the end of the request to the upstream's response head (then 504).
    public var responseHeaderTimeoutNanoseconds: Int64
    /// Retry once on a fresh connection when a pooled keep-alive connection turns out to be dead
    /// (closed by the upstream while idle) before any response byte and any request body byte.
    public var retryStalePooledConnection: Bool

    public init(responseHeaderTimeoutNanoseconds: Int64 = 60_000_000_000, retryStalePooledConnection: Bool = true) {
        self.responseHeaderTimeoutNanoseconds = responseHeaderTimeoutNanoseconds
        self.retryStalePooledConnection = retryStalePooledConnection
    }
}

/// Why a forward failed, and what that allows the caller to do.
public struct ForwardFailure: Error, Sendable, CustomStringConvertible {
    public let error: HTTPCoreError
    /// A byte of the request reached an upstream socket: retrying elsewhere may repeat its effect.
    public let requestSent: Bool
    /// The client already received part of the response; the exchange was aborted. Otherwise
    /// the caller still owns the exchange and should answer it (502, or 504 for timeouts).
    public let responseStarted: Bool
    /// The client went away; nothing more to do.
    public let clientAborted: Bool

    public var description: String { clientAborted ? "client aborted" : error.description }
}

/// How a forward ended.
public enum ForwardOutcome {
    /// The upstream's response (this status) was relayed in full.
    case responded(status: Int)
    /// The upstream switched protocols; bytes now flow through this tunnel until either side
    /// closes (set `tunnel.onClose` to learn when).
    case upgraded(Tunnel)
    case failed(ForwardFailure)
}

extension HTTPServerExchange {
    /// Forwards this request to `address` over a pooled connection and streams the response back,
    /// with backpressure both ways, constant memory for any body size, chunked/SSE responses
    /// flushed as they arrive, and a raw tunnel after `101 Switching Protocols`.
    ///
    /// `head` is the request as the upstream should see it (the caller rewrites target and
    /// headers; framing and `Connection`/`Upgrade` are handled here). `rewriteResponse` may edit
    /// the response head before the client sees it. `completion` runs once, on this loop.
    ///
    /// ```swift
    /// // A whole reverse proxy handler:
    /// let server = try HTTPConnectionServer(port: 8080) { exchange in
    ///     guard let upstream = routes.pick(exchange.head) else {
    ///         exchange.respond(status: 404, body: Array("no route\n".utf8)); return
    ///     }
    ///     var head = exchange.head
    ///     head.headers.set("X-Forwarded-For", exchange.remoteAddress)
    ///     exchange.forward(to: upstream, head: head, pool: .on(exchange.loop)) { outcome in
    ///         if case .failed(let f) = outcome, !f.responseStarted, !f.clientAborted {
    ///             exchange.respond(status: f.error.isTimeout ? 504 : 502, body: Array("\(f)\n".utf8))
    ///         }
    ///     }
    /// }
    /// ```
    public func forward(to address: UpstreamAddress, head: HTTPRequestHead, pool: UpstreamPool,
                        options: ForwardOptions = ForwardOptions(),
                        rewriteResponse: ((inout HTTPResponseHead) -> Void)? = nil,
                        completion: @escaping (ForwardOutcome) -> Void) {
        var upstreamHead = head
        // Answered here when the body is first read (removing copies the fields only if present).
        upstreamHead.headers.remove(lowercased: "expect")
        upstreamHead.upgrade = self.head.upgrade
        upstreamHead.framing = self.head.framing
        let f = Forwarding(exchange: self, address: address, head: upstreamHead, pool: pool, options: options,
                           rewrite: rewriteResponse, completion: completion)
        f.start()
    }
}
