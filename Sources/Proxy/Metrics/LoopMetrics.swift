import Synchronization

/// The counters one event loop writes. Each loop has its own block of memory, so loops never
/// write the same cache line; the scrape reads every block and sums (`ProxyMetrics.render`).
/// Slots are relaxed atomics: a loop's increments are uncontended, and a scrape from another
/// thread reads them without a data race.
public final class LoopMetrics: @unchecked Sendable {
    /// Latency bucket upper bounds in seconds (`+Inf` is implicit).
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let bucketNanos: [Int] = latencyBuckets.map { Int($0 * 1e9) }
    static let statusClasses = 5
    /// Per route: 5 status classes, buckets + `+Inf`, latency sum in nanoseconds.
    static let routeStride = statusClasses + latencyBuckets.count + 1 + 1
    static let sumOffset = routeStride - 1

    enum Global: Int, CaseIterable {
        case openConnections, connectionsTotal, openTunnels, tunnelsTotal
    }

    let routeCapacity: Int
    private let slots: UnsafeMutablePointer<Atomic<Int>>
    private let count: Int
    private var upstreamErrorBase: Int { routeCapacity * Self.routeStride }
    private var globalBase: Int { upstreamErrorBase + UpstreamFailure.allCases.count }

    init(routeCapacity: Int) {
        self.routeCapacity = routeCapacity
        count = routeCapacity * Self.routeStride + UpstreamFailure.allCases.count + Global.allCases.count
        slots = .allocate(capacity: count)
        for i in 0..<count { (slots + i).initialize(to: Atomic(0)) }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    @inline(__always) private func add(_ i: Int, _ n: Int) { slots[i].wrappingAdd(n, ordering: .relaxed) }
    @inline(__always) func read(_ i: Int) -> Int { slots[i].load(ordering: .relaxed) }

    /// Records an answered request: its status and the time from request head to response end.
    public func requestFinished(routeSlot: Int, status: Int, nanos: Int) {
        let base = min(max(routeSlot, 0), routeCapacity - 1) * Self.routeStride
        add(base + min(max(status / 100, 1), 5) - 1, 1)
        var b = 0
        while b < Self.bucketNanos.count && nanos > Self.bucketNanos[b] { b += 1 }
        add(base + Self.statusClasses + b, 1)
        add(base + Self.sumOffset, nanos)
    }

    public func upstreamError(_ failure: UpstreamFailure) { add(upstreamErrorBase + failure.rawValue, 1) }

    public func connectionOpened() {
        add(globalBase + Global.openConnections.rawValue, 1)
        add(globalBase + Global.connectionsTotal.rawValue, 1)
    }

    public func connectionClosed() { add(globalBase + Global.openConnections.rawValue, -1) }

    public func tunnelOpened() {
        add(globalBase + Global.openTunnels.rawValue, 1)
        add(globalBase + Global.tunnelsTotal.rawValue, 1)
    }

    public func tunnelClosed() { add(globalBase + Global.openTunnels.rawValue, -1) }

    func routeValue(_ slot: Int, _ offset: Int) -> Int { read(slot * Self.routeStride + offset) }
    func upstreamErrors(_ failure: UpstreamFailure) -> Int { read(upstreamErrorBase + failure.rawValue) }
    func global(_ g: Global) -> Int { read(globalBase + g.rawValue) }
}
