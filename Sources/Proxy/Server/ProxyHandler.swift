import HTTPCore

/// The entry of the data path: called on the connection's loop with each request head.
enum ProxyHandler {
    static func handle(_ exchange: HTTPServerExchange, _ state: ProxyLoopState) {
        let start = monotonicNanos()
        let table = state.routes.current()
        let head = exchange.head
        switch RequestPlan.make(method: head.method, target: head.target, headers: head.headers, table: table) {
        case .respond(let page):
            respond(exchange, page, state: state, routeSlot: 0, start: start)
        case .forward(let plan):
            ProxiedRequest(exchange: exchange, state: state, table: table, plan: plan, start: start).start()
        }
    }

    /// Writes one of the proxy's own plain-text responses and counts it.
    static func respond(_ exchange: HTTPServerExchange, _ page: ErrorPage, state: ProxyLoopState, routeSlot: Int, start: Int) {
        exchange.respond(status: page.status, headers: ErrorPage.headers, body: Array(page.body.utf8))
        state.metrics.requestFinished(routeSlot: routeSlot, status: page.status, nanos: monotonicNanos() - start)
    }
}
