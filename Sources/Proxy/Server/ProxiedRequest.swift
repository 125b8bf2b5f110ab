import HTTPCore

/// One request forwarded along a route: picks an upstream (least outstanding), rewrites the
/// head, hands the streaming to HTTPCore's `forward`, and on failure either retries another
/// upstream (only when nothing of the request was sent) or answers with an error page.
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

    init(exchange: HTTPServerExchange, state: ProxyLoopState, table: RouteTable, plan: RequestPlan.Forward, start: Int) {
        self.exchange = exchange
        self.state = state
        self.table = table
        self.plan = plan
        self.startNanos = start
        peer = ClientPeer(remoteAddress: exchange.remoteAddress, trustedProxies: state.settings.trustedProxies)
    }

    private var route: Route { table.routes[plan.route] }
    private var routeSlot: Int { table.metricSlots[plan.route] }

    func start() {
        state.inFlight += 1
        attempt()
    }

    private func attempt() {
        guard let lease = state.balancer.acquire(route: plan.route, in: table, excluding: tried) else {
            let page = lastFailure.map { ErrorPage.upstream($0.0, $0.1, route: self.route, timeoutSeconds: timeout(for: $0.0)) }
                ?? ErrorPage.upstream(.noUpstream, nil, route: self.route)
            return answer(page)
        }
        let upstream = table.upstreams[lease.upstream]
        var head = exchange.head
        head.target = plan.target
        head.headers = RequestHeaderRewriter.upstreamHeaders(exchange.head.headers, route: self.route, upstream: upstream, peer: peer,
                                                             isUpgrade: plan.isUpgrade, trustedProxies: state.settings.trustedProxies)
        let route = self.route, host = plan.host, proto = peer.proto
        exchange.forward(to: UpstreamAddress(host: upstream.host, port: upstream.port), head: head,
                         pool: state.pool(on: exchange.loop),
                         options: state.settings.forward,
                         rewriteResponse: { h in
                             h.headers = ResponseHeaderRewriter.clientHeaders(h.headers, status: h.status, route: route,
                                                                             upstream: upstream, externalHost: host, proto: proto)
                         },
                         completion: { [self] outcome in finished(outcome, lease: lease, upstream: upstream) })
    }

    private func finished(_ outcome: ForwardOutcome, lease: LeastOutstandingBalancer.Lease, upstream: Upstream) {
        state.balancer.release(lease)
        switch outcome {
        case .responded(let status):
            done(status: status)
        case .upgraded(let tunnel):
            let metrics = state.metrics
            metrics.tunnelOpened()
            tunnel.onClose = { _ in metrics.tunnelClosed() }
            done(status: 101)
        case .failed(let f):
            if f.clientAborted { return done(status: 499) }
            let failure = UpstreamFailure(f.error)
            state.metrics.upstreamError(failure)
            if f.responseStarted { return done(status: 502) }
            tried.append(lease.upstream)
            lastFailure = (failure, upstream)
            let left = tried.count < table.routeUpstreams[plan.route].count
            if RetryPolicy.shouldRetry(failure: failure, sentAnything: f.requestSent, attempts: tried.count, upstreamsLeft: left) {
                return attempt()
            }
            answer(ErrorPage.upstream(failure, upstream, route: route, timeoutSeconds: timeout(for: failure)))
        }
    }

    private func answer(_ page: ErrorPage) {
        exchange.respond(status: page.status, headers: ErrorPage.headers, body: Array(page.body.utf8))
        done(status: page.status)
    }

    private func done(status: Int) {
        state.inFlight -= 1
        state.metrics.requestFinished(routeSlot: routeSlot, status: status, nanos: monotonicNanos() - startNanos)
    }

    private func timeout(for failure: UpstreamFailure) -> Double {
        switch failure {
        case .connectTimeout: state.settings.connectTimeoutSeconds
        case .responseTimeout: state.settings.responseTimeoutSeconds
        default: 0
        }
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
