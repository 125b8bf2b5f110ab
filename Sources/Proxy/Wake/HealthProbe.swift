import HTTPCore
import Synchronization

/// Probes one starting endpoint's health path directly, every `interval`, until it answers
/// 2xx: a cold start is then released the moment the app can serve, without waiting for the
/// kubelet's next readiness period and the EndpointSlice update. Runs on one event loop with
/// HTTPCore's upstream client (a fresh connection per attempt, closed after the head).
final class HealthProbe: Sendable {
    let endpoint: Upstream
    private let path: String
    private let loop: EventLoop
    private let intervalNanos: Int64
    private let onHealthy: @Sendable () -> Void
    private let stopped = Atomic<Bool>(false)
    /// Its own pool (only `connect` is used): the loop's shared pool is the data path's, created
    /// with the proxy's settings on first use, and a probe must not be the one to create it.
    private let pool: LoopBound<UpstreamPool>

    init(endpoint: Upstream, path: String, loop: EventLoop, intervalNanos: Int64 = 20_000_000,
         onHealthy: @escaping @Sendable () -> Void) {
        self.endpoint = endpoint
        self.path = path
        self.loop = loop
        self.intervalNanos = intervalNanos
        self.onHealthy = onHealthy
        pool = LoopBound(UpstreamPool(loop: loop, configuration: UpstreamPoolConfiguration(
            maxIdlePerKey: 0, connectTimeoutNanoseconds: 1_000_000_000)))
    }

    func start() { loop.execute { [self] in attempt() } }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// On the loop: one GET; success ends probing, anything else tries again after the interval.
    private func attempt() {
        guard !isStopped else { return }
        pool.value.connect(UpstreamAddress(host: endpoint.host, port: endpoint.port)) { [self] result in
            guard case .success(let conn) = result else { return retryLater() }
            var settled = false
            func settle(healthy: Bool) {
                guard !settled else { return }
                settled = true
                conn.onError = nil
                conn.close()
                if healthy && !isStopped { onHealthy() } else { retryLater() }
            }
            conn.onResponseHead = { h in if !h.isInformational { settle(healthy: (200..<300).contains(h.status)) } }
            conn.onResponseBody = { _ in }
            conn.onResponseEnd = { _ in settle(healthy: false) }
            conn.onError = { _ in settle(healthy: false) }
            var head = HTTPRequestHead(method: "GET", target: path)
            head.headers.add("Host", endpoint.authority)
            head.headers.add("User-Agent", "doze-proxy-wake-probe")
            head.framing = .none
            conn.sendHead(head, responseHeaderTimeoutNanoseconds: 2_000_000_000)
        }
    }

    private func retryLater() {
        guard !isStopped else { return }
        loop.schedule(afterNanoseconds: intervalNanos) { [self] in attempt() }
    }
}
