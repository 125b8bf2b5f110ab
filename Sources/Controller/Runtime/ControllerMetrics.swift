import Synchronization

/// The controller's Prometheus metrics, rendered in the text exposition format.
public final class ControllerMetrics: Sendable {
    /// Upper bounds of the reconcile duration histogram, in seconds.
    static let buckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct State {
        var reconciles: [String: Int] = [:]
        var errors = 0
        var writes: [String: Int] = [:]
        var watchErrors = 0
        var bucketCounts = [Int](repeating: 0, count: ControllerMetrics.buckets.count)
        var durationSum = 0.0
        var durationCount = 0
        var leader = false
        var queueDepth = 0
        var sleeps: [String: Int] = [:]
        var proxies = (discovered: 0, answering: 0)
    }

    private let state = Mutex(State())

    public init() {}

    public func reconciled(result: String, seconds: Double) {
        state.withLock { s in
            s.reconciles[result, default: 0] += 1
            if result == "error" { s.errors += 1 }
            s.durationSum += seconds
            s.durationCount += 1
            for (i, b) in Self.buckets.enumerated() where seconds <= b { s.bucketCounts[i] += 1 }
        }
    }

    /// One write to the API server (apply, status, event), by kind.
    public func wrote(_ kind: String) { state.withLock { $0.writes[kind, default: 0] += 1 } }
    public func watchError() { state.withLock { $0.watchErrors += 1 } }
    public func setLeader(_ leading: Bool) { state.withLock { $0.leader = leading } }
    public func setQueueDepth(_ depth: Int) { state.withLock { $0.queueDepth = depth } }
    /// One sleep attempt ended: `slept` or `aborted`.
    public func sleepAttempt(_ result: String) { state.withLock { $0.sleeps[result, default: 0] += 1 } }
    /// Proxy replicas found in the admin Service's EndpointSlices, and how many answered /activity.
    public func setProxies(discovered: Int, answering: Int) { state.withLock { $0.proxies = (discovered, answering) } }
    public func sleepAttempts(_ result: String) -> Int { state.withLock { $0.sleeps[result] ?? 0 } }

    public var isLeader: Bool { state.withLock { $0.leader } }
    public var totalWrites: Int { state.withLock { $0.writes.values.reduce(0, +) } }
    public func writes(_ kind: String) -> Int { state.withLock { $0.writes[kind] ?? 0 } }
    public func reconciles(_ result: String) -> Int { state.withLock { $0.reconciles[result] ?? 0 } }

    public func render() -> String {
        let s = state.withLock { $0 }
        var out = """
            # HELP doze_controller_reconciles_total Reconciles by result.
            # TYPE doze_controller_reconciles_total counter

            """
        for r in ["success", "requeue", "error"] {
            out += "doze_controller_reconciles_total{result=\"\(r)\"} \(s.reconciles[r] ?? 0)\n"
        }
        out += """
            # HELP doze_controller_reconcile_errors_total Reconciles that failed and were retried with backoff.
            # TYPE doze_controller_reconcile_errors_total counter
            doze_controller_reconcile_errors_total \(s.errors)
            # HELP doze_controller_writes_total Writes to the API server by kind.
            # TYPE doze_controller_writes_total counter

            """
        for (k, v) in s.writes.sorted(by: { $0.key < $1.key }) { out += "doze_controller_writes_total{kind=\"\(k)\"} \(v)\n" }
        out += """
            # HELP doze_controller_watch_errors_total Errors the watchers recovered from.
            # TYPE doze_controller_watch_errors_total counter
            doze_controller_watch_errors_total \(s.watchErrors)
            # HELP doze_controller_queue_depth Keys waiting in the work queue.
            # TYPE doze_controller_queue_depth gauge
            doze_controller_queue_depth \(s.queueDepth)
            # HELP doze_controller_leader 1 while this instance holds the leader Lease.
            # TYPE doze_controller_leader gauge
            doze_controller_leader \(s.leader ? 1 : 0)
            # HELP doze_controller_sleep_attempts_total Attempts to put an idle App to sleep, by result (aborted: a request came in or a proxy did not answer the fence).
            # TYPE doze_controller_sleep_attempts_total counter
            doze_controller_sleep_attempts_total{result="slept"} \(s.sleeps["slept"] ?? 0)
            doze_controller_sleep_attempts_total{result="aborted"} \(s.sleeps["aborted"] ?? 0)
            # HELP doze_controller_proxy_replicas Proxy replicas in the admin Service's EndpointSlices.
            # TYPE doze_controller_proxy_replicas gauge
            doze_controller_proxy_replicas \(s.proxies.discovered)
            # HELP doze_controller_proxy_replicas_answering Proxy replicas that answered the last /activity gather.
            # TYPE doze_controller_proxy_replicas_answering gauge
            doze_controller_proxy_replicas_answering \(s.proxies.answering)
            # HELP doze_controller_reconcile_duration_seconds Time spent in one reconcile.
            # TYPE doze_controller_reconcile_duration_seconds histogram

            """
        for (i, b) in Self.buckets.enumerated() {
            out += "doze_controller_reconcile_duration_seconds_bucket{le=\"\(b)\"} \(s.bucketCounts[i])\n"
        }
        out += "doze_controller_reconcile_duration_seconds_bucket{le=\"+Inf\"} \(s.durationCount)\n"
        out += "doze_controller_reconcile_duration_seconds_sum \(s.durationSum)\n"
        out += "doze_controller_reconcile_duration_seconds_count \(s.durationCount)\n"
        return out
    }
}
