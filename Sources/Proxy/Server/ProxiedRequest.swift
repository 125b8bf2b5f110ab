import HTTPCore

/// One request forwarded along a route: picks an upstream (least outstanding), rewrites the
/// head, hands the streaming to HTTPCore's `forward`, and on failure either retries another
/// upstream (only when nothing of the request was sent) or answers with an error page.
/// On an App route it also feeds the App's activity, and goes through the App's wake path when
/// there is no ready endpoint (or one refuses it): held, released to a pinned endpoint, or 503.
/// Loop-local; lives until the exchange is answered.
final class ProxiedRequest {
    private let exchange: HTTPServerExchange
    private let state: ProxyLoopState
    private let table: RouteTable
    private let plan: RequestPlan.Forward
    private let startNanos: Int
    private let peer: ClientPeer
    private var tried: [Int] = []
    private var lastFailure: (UpstreamFailure, Upstream)?
    /// The App this route serves (nil for static routes).
    let app: AppRuntime?
    /// Set while the request sits in the App's wake queue.
    private var wakeID: Int?
    /// The endpoint the wake path released this request to (admission is counted against it).
    private var pinned: Upstream?
    private var wakeRetries = 0
    private var ended = false

    init(exchange: HTTPServerExchange, state: ProxyLoopState, table: RouteTable, plan: RequestPlan.Forward, start: Int) {
        self.exchange = exchange
        self.state = state
        self.table = table
        self.plan = plan
        self.startNanos = start
        app = table.apps[plan.route]
        peer = ClientPeer(remoteAddress: exchange.remoteAddress, trustedProxies: state.settings.trustedProxies)
    }

    private var route: Route { table.routes[plan.route] }
    private var routeSlot: Int { table.metricSlots[plan.route] }

    func start() {
        state.inFlight += 1
        if let app {
            app.activity.requestStarted(now: Int64(startNanos))
            if app.divertsRequests || table.routeUpstreams[plan.route].isEmpty { return toWakePath(failedOn: nil) }
        }
        attempt()
    }

    private func attempt() {
        let upstream: Upstream
        var lease: LeastOutstandingBalancer.Lease?
        if let pinned {
            upstream = pinned
        } else {
            guard let l = state.balancer.acquire(route: plan.route, in: table, excluding: tried) else {
                if app != nil { return toWakePath(failedOn: nil) }
                let page = lastFailure.map { ErrorPage.upstream($0.0, $0.1, route: self.route, timeoutSeconds: timeout(for: $0.0)) }
                    ?? ErrorPage.upstream(.noUpstream, nil, route: self.route)
                return answer(page)
            }
            lease = l
            upstream = table.upstreams[l.upstream]
        }
        var head = exchange.head
        head.target = plan.target
        head.headers = RequestHeaderRewriter.upstreamHeaders(exchange.head.headers, route: self.route, upstream: upstream, peer: peer,
                                                             isUpgrade: plan.isUpgrade, trustedProxies: state.settings.trustedProxies)
        current = (upstream, lease)
        // Both callbacks capture only `self`, so neither needs a closure context of its own.
        exchange.forward(to: UpstreamAddress(host: upstream.host, port: upstream.port), head: head,
                         pool: state.pool(on: exchange.loop),
                         options: forwardOptions,
                         rewriteResponse: { [self] h in rewriteResponse(&h) },
                         completion: { [self] outcome in finished(outcome) })
    }

    /// The attempt in progress: its upstream and its balancer lease (nil when pinned by the wake path).
    private var current: (upstream: Upstream, lease: LeastOutstandingBalancer.Lease?)?

    private func rewriteResponse(_ h: inout HTTPResponseHead) {
        guard let (upstream, _) = current else { return }
        h.headers = ResponseHeaderRewriter.clientHeaders(h.headers, status: h.status, route: route,
                                                        upstream: upstream, externalHost: plan.host, proto: peer.proto)
        // `pinned` stays set until the attempt finishes: a request the wake path released.
        if pinned != nil { app?.firstResponseByte(now: monotonicNanos()) }
    }

    private func finished(_ outcome: ForwardOutcome) {
        guard let (upstream, lease) = current else { return }
        current = nil
        finished(outcome, lease: lease, upstream: upstream)
    }

    /// App routes answer within the App's `requestTimeout`; others use the proxy's setting.
    private var forwardOptions: ForwardOptions {
        guard app != nil, let wake = route.app?.wake else { return state.settings.forward }
        let c = wake.requestTimeout.components
        return ForwardOptions(responseHeaderTimeoutNanoseconds: c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000)
    }

    private func finished(_ outcome: ForwardOutcome, lease: LeastOutstandingBalancer.Lease?, upstream: Upstream) {
        if let lease { state.balancer.release(lease) }
        let released = pinned
        pinned = nil
        switch outcome {
        case .responded(let status):
            releaseSlot(released)
            done(status: status)
        case .upgraded(let tunnel):
            releaseSlot(released)
            tunnelOpened(tunnel)
            done(status: 101)
        case .failed(let f):
            if f.clientAborted { releaseSlot(released); return done(status: 499) }
            let failure = UpstreamFailure(f.error)
            state.metrics.upstreamError(failure)
            if f.responseStarted { releaseSlot(released); return done(status: 502) }
            if app != nil, wakeRetries < 8, f.requestSent ? retriableAfterSend(failure) : true {
                // The endpoint is gone or not listening yet: cold, not broken (the machine drops
                // the endpoint and its admission slot).
                wakeRetries += 1
                return toWakePath(failedOn: upstream)
            }
            releaseSlot(released)
            tried.append(lease?.upstream ?? -1)
            lastFailure = (failure, upstream)
            let left = tried.count < table.routeUpstreams[plan.route].count
            if lease != nil,
               RetryPolicy.shouldRetry(failure: failure, sentAnything: f.requestSent, attempts: tried.count, upstreamsLeft: left) {
                return attempt()
            }
            answer(ErrorPage.upstream(failure, upstream, route: route, timeoutSeconds: timeout(for: failure)))
        }
    }

    /// A pod killed while a bodiless GET/HEAD was in flight closes before any response byte:
    /// repeating it is safe, so it goes back to the wake path instead of a 502.
    private func retriableAfterSend(_ failure: UpstreamFailure) -> Bool {
        guard wakeRetries < 2, exchange.head.method == "GET" || exchange.head.method == "HEAD" else { return false }
        switch exchange.head.framing {
        case .none, .length(0): break
        default: return false
        }
        return failure == .closedBeforeResponse || failure == .reset || failure == .closedBeforeRequest
    }

    private func tunnelOpened(_ tunnel: Tunnel) {
        let metrics = state.metrics
        metrics.tunnelOpened()
        guard let cell = app?.activity else {
            tunnel.onClose = { _ in metrics.tunnelClosed() }
            return
        }
        cell.tunnelOpened(now: Int64(monotonicNanos()))
        tunnel.onTraffic = { cell.tunnelTraffic(now: Int64(monotonicNanos())) }
        tunnel.onClose = { _ in
            metrics.tunnelClosed()
            cell.tunnelClosed(now: Int64(monotonicNanos()))
        }
    }

    private func answer(_ page: ErrorPage, extraHeaders: HTTPHeaders = HTTPHeaders()) {
        var headers = ErrorPage.headers
        for f in extraHeaders { headers.add(f.name, f.value) }
        exchange.respond(status: page.status, headers: headers, body: Array(page.body.utf8))
        done(status: page.status)
    }

    private func done(status: Int) {
        guard !ended else { return }
        ended = true
        state.inFlight -= 1
        let now = monotonicNanos()
        app?.activity.requestFinished(now: Int64(now))
        state.metrics.requestFinished(routeSlot: routeSlot, status: status, nanos: now - startNanos)
    }

    private func timeout(for failure: UpstreamFailure) -> Double {
        switch failure {
        case .connectTimeout: state.settings.connectTimeoutSeconds
        case .responseTimeout: state.settings.responseTimeoutSeconds
        default: 0
        }
    }
}

// MARK: the wake path (App routes)

extension ProxiedRequest {
    private func toWakePath(failedOn ep: Upstream?) {
        guard let app else { return }
        let handle = HeldHandle(loop: exchange.loop, request: LoopBound(self), arrivalNanos: startNanos)
        if let ep { app.connectFailed(handle, on: ep) } else { app.arrived(handle) }
    }

    /// The wake shell took this request (called on its loop, under the shell's lock).
    func enteredQueue(id: Int) {
        wakeID = id
        exchange.onAbort = { [self] in
            guard let id = wakeID else { return }
            wakeID = nil
            app?.cancelled(id)
            done(status: 499)
        }
    }

    /// The wake path released this request to `ep`.
    func forwardReleased(to ep: Upstream) {
        wakeID = nil
        exchange.onAbort = nil
        guard !ended else { return releaseSlot(ep) }
        pinned = ep
        attempt()
    }

    /// The wake path gave up on this request: 503 with Retry-After and the cause.
    func rejectHeld(_ cause: AppRuntime.Machine.RejectCause, startupTimeout: Duration) {
        wakeID = nil
        exchange.onAbort = nil
        guard !ended, let app else { return }
        let page = ErrorPage.wakeRejected(cause, app: app.key, startupTimeout: startupTimeout)
        answer(page, extraHeaders: ["Retry-After": cause == .queueFull ? "1" : "5"])
    }

    private func releaseSlot(_ ep: Upstream?) {
        if let ep { app?.finished(on: ep) }
    }
}

extension UpstreamFailure {
    /// Classifies HTTPCore's error. Connect failures are told apart by errno, read from the
    /// error's text until HTTPCore exposes it.
    init(_ error: HTTPCoreError) {
        let text = error.description
        if error.isConnectFailure {
            if error.isTimeout { self = .connectTimeout }
            else if text.hasSuffix("errno 111") { self = .connectRefused }
            else { self = .connectFailed }
        } else if error.isTimeout {
            self = .responseTimeout
        } else if text.hasPrefix("upstream protocol error") {
            self = .badResponse
        } else if text.hasSuffix("errno 104") || text.hasSuffix("errno 32") {
            self = .reset
        } else {
            self = .closedBeforeResponse
        }
    }
}
