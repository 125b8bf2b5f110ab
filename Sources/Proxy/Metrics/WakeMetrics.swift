import Synchronization

/// The wake path's metrics: wakes started, wake duration (request arrival → first upstream
/// response byte of the first released request), 503s by cause. Updated off the hot path (only
/// wakes and held requests touch it), so plain atomics suffice. Queue depth is read from the
/// Apps' wake queues at scrape time.
public final class WakeMetrics: Sendable {
    public static let durationBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    private let wakes = Atomic<Int>(0)
    private let rejectedQueueFull = Atomic<Int>(0)
    private let rejectedTimeout = Atomic<Int>(0)
    private let durations = Mutex<(buckets: [Int], sum: Double, count: Int)>(
        (Array(repeating: 0, count: WakeMetrics.durationBuckets.count), 0, 0))
    private let depthSource = Mutex<(@Sendable () -> Int)?>(nil)

    public init() {}

    func wakeStarted() { wakes.add(1, ordering: .relaxed) }

    func rejected(_ cause: WakeMachine<Int, Upstream>.RejectCause) {
        switch cause {
        case .queueFull: rejectedQueueFull.add(1, ordering: .relaxed)
        case .startupTimeout: rejectedTimeout.add(1, ordering: .relaxed)
        }
    }

    func observeWake(seconds: Double) {
        durations.withLock { d in
            for (i, le) in Self.durationBuckets.enumerated() where seconds <= le { d.buckets[i] += 1 }
            d.sum += seconds
            d.count += 1
        }
    }

    /// Where the held-requests gauge is read from (the App registry).
    func countHeld(with source: @escaping @Sendable () -> Int) { depthSource.withLock { $0 = source } }

    public var wakesTotal: Int { wakes.load(ordering: .relaxed) }

    func render(into p: inout PrometheusText) {
        p.family("doze_proxy_wakes_total", type: "counter", help: "Wakes started (scale 0 -> min requested) by this replica.")
        p.sample("doze_proxy_wakes_total", [:], wakesTotal)
        let name = "doze_proxy_wake_duration_seconds"
        p.family(name, type: "histogram", help: "From the first held request's arrival to the first upstream response byte after a wake.")
        let d = durations.withLock { $0 }
        for (i, le) in Self.durationBuckets.enumerated() {
            p.sample(name + "_bucket", ["le": PrometheusText.format(le)], d.buckets[i])
        }
        p.sample(name + "_bucket", ["le": "+Inf"], d.count)
        p.sample(name + "_sum", [:], d.sum)
        p.sample(name + "_count", [:], d.count)
        let held = depthSource.withLock { $0 }?() ?? 0
        p.family("doze_proxy_wake_queue_depth", type: "gauge", help: "Requests held in wake queues now (waiting for a backend).")
        p.sample("doze_proxy_wake_queue_depth", [:], held)
        p.family("doze_proxy_held_requests", type: "gauge", help: "Requests held now (same as the wake queue depth).")
        p.sample("doze_proxy_held_requests", [:], held)
        p.family("doze_proxy_rejected_total", type: "counter", help: "Requests answered 503 by the wake path, by cause.")
        p.sample("doze_proxy_rejected_total", ["cause": "queue full"], rejectedQueueFull.load(ordering: .relaxed))
        p.sample("doze_proxy_rejected_total", ["cause": "startup timeout"], rejectedTimeout.load(ordering: .relaxed))
    }
}
