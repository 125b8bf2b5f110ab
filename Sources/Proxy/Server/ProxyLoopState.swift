#if canImport(Glibc)
import Glibc
#endif
import HTTPCore

/// Everything the data path keeps per event loop: the loop's view of the route snapshot, its
/// balancer counters and its metrics block. Touched only from its loop's thread, so the
/// per-request path takes no lock and writes no shared cache line.
final class ProxyLoopState {
    var routes: RouteTableReader
    var balancer = LeastOutstandingBalancer()
    let metrics: LoopMetrics
    let settings: ProxySettings
    /// Requests in flight on this loop (for draining).
    var inFlight = 0
    /// This loop's upstream keep-alive pool, looked up once rather than per request.
    private var cachedPool: UpstreamPool?

    func pool(on loop: EventLoop) -> UpstreamPool {
        if let p = cachedPool { return p }
        let p = UpstreamPool.on(loop, configuration: settings.pool)
        cachedPool = p
        return p
    }

    init(routes: RouteTableReader, metrics: LoopMetrics, settings: ProxySettings) {
        self.routes = routes
        self.metrics = metrics
        self.settings = settings
    }
}

/// The data path's fixed configuration, derived from `ProxyOptions` once at startup.
struct ProxySettings: Sendable {
    let trustedProxies: TrustedProxies
    let connectTimeoutNanos: Int64
    let responseTimeoutNanos: Int64
    let connectTimeoutSeconds: Double
    let responseTimeoutSeconds: Double
    let pool: UpstreamPoolConfiguration
    let forward: ForwardOptions

    init(_ o: ProxyOptions) {
        trustedProxies = TrustedProxies(o.trustedProxies)
        connectTimeoutSeconds = o.connectTimeout
        responseTimeoutSeconds = o.responseTimeout
        connectTimeoutNanos = Int64(o.connectTimeout * 1e9)
        responseTimeoutNanos = Int64(o.responseTimeout * 1e9)
        pool = UpstreamPoolConfiguration(maxIdlePerKey: 256, idleTimeoutNanoseconds: 60_000_000_000,
                                         connectTimeoutNanoseconds: connectTimeoutNanos)
        forward = ForwardOptions(responseHeaderTimeoutNanoseconds: responseTimeoutNanos)
    }
}

/// Monotonic nanoseconds, for request latency.
@inline(__always)
func monotonicNanos() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}
