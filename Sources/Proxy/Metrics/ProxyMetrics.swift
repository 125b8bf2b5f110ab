import Synchronization

/// The proxy's metrics: one `LoopMetrics` per event loop, and the names of route series.
/// Route slots are handed out when a route snapshot is built (not per request); slot 0 is the
/// series for requests that matched no route, and routes beyond the capacity share the last slot.
public final class ProxyMetrics: Sendable {
    public static let noRoute = "(none)"
    public static let overflowRoute = "(other)"
    public let loops: [LoopMetrics]
    public let wake = WakeMetrics()
    private let names: Mutex<(list: [String], index: [String: Int])>
    private let routeCapacity: Int
    /// Where the open-connections gauge comes from when the listener counts them itself.
    private let openConnectionsSource = Mutex<(@Sendable () -> Int)?>(nil)

    public init(loops: Int, routeCapacity: Int = 1024) {
        precondition(routeCapacity >= 3)
        self.routeCapacity = routeCapacity
        self.loops = (0..<max(loops, 1)).map { _ in LoopMetrics(routeCapacity: routeCapacity) }
        names = Mutex(([Self.noRoute], [Self.noRoute: 0]))
    }

    /// Reads the open-connections gauge from `source` (the data-path listener) at scrape time.
    public func countOpenConnections(with source: @escaping @Sendable () -> Int) {
        openConnectionsSource.withLock { $0 = source }
    }

    /// The series slot for a route name; stable for the life of the process.
    public func routeSlot(_ name: String) -> Int {
        names.withLock { n in
            if let i = n.index[name] { return i }
            if n.list.count >= routeCapacity - 1 {
                if n.list.count == routeCapacity - 1 { n.list.append(Self.overflowRoute) }
                return routeCapacity - 1
            }
            n.list.append(name)
            n.index[name] = n.list.count - 1
            return n.list.count - 1
        }
    }

    /// The Prometheus text for every family, loops summed.
    public func render() -> String {
        let routeNames = names.withLock { $0.list }
        var p = PrometheusText()
        renderRequests(&p, routeNames)
        renderLatency(&p, routeNames)
        p.family("doze_proxy_upstream_errors_total", type: "counter", help: "Failed exchanges with upstreams, by cause.")
        for f in UpstreamFailure.allCases {
            p.sample("doze_proxy_upstream_errors_total", ["cause": f.cause], loops.reduce(0) { $0 + $1.upstreamErrors(f) })
        }
        let external = openConnectionsSource.withLock { $0 }
        p.family("doze_proxy_open_connections", type: "gauge", help: "Client connections open now.")
        p.sample("doze_proxy_open_connections", [:], external?() ?? loops.reduce(0) { $0 + $1.global(.openConnections) })
        let globals: [(LoopMetrics.Global, String, String, String)] = [
            (.openTunnels, "doze_proxy_open_tunnels", "gauge", "Upgraded connections (websockets) being tunnelled now."),
            (.tunnelsTotal, "doze_proxy_tunnels_total", "counter", "Upgraded connections tunnelled."),
        ]
        for (g, name, type, help) in globals {
            p.family(name, type: type, help: help)
            p.sample(name, [:], loops.reduce(0) { $0 + $1.global(g) })
        }
        wake.render(into: &p)
        return p.text
    }

    private func sum(_ slot: Int, _ offset: Int) -> Int { loops.reduce(0) { $0 + $1.routeValue(slot, offset) } }

    private func renderRequests(_ p: inout PrometheusText, _ routes: [String]) {
        p.family("doze_proxy_requests_total", type: "counter", help: "Requests answered, by route and status class.")
        for (slot, route) in routes.enumerated() {
            for c in 0..<LoopMetrics.statusClasses {
                p.sample("doze_proxy_requests_total", ["route": route, "code": "\(c + 1)xx"], sum(slot, c))
            }
        }
    }

    private func renderLatency(_ p: inout PrometheusText, _ routes: [String]) {
        let name = "doze_proxy_request_duration_seconds"
        p.family(name, type: "histogram", help: "Time from request head to the end of the response, by route.")
        let buckets = LoopMetrics.latencyBuckets
        for (slot, route) in routes.enumerated() {
            var cumulative = 0
            for b in 0...buckets.count {
                cumulative += sum(slot, LoopMetrics.statusClasses + b)
                let le = b < buckets.count ? PrometheusText.format(buckets[b]) : "+Inf"
                p.sample(name + "_bucket", ["route": route, "le": le], cumulative)
            }
            p.sample(name + "_sum", ["route": route], Double(sum(slot, LoopMetrics.sumOffset)) / 1e9)
            p.sample(name + "_count", ["route": route], cumulative)
        }
    }
}
