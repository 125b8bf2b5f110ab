/// Picks an upstream for a route by least outstanding requests, ties broken round-robin.
/// One per event loop, touched only by that loop: counts are per loop, which on a few loops
/// is close enough to global and costs no shared writes.
///
/// Counters are indexed by `RouteTable.upstreams`; when a new snapshot arrives they start
/// over, and releases of leases from an older snapshot are ignored.
public struct LeastOutstandingBalancer {
    public private(set) var generation: UInt64 = .max
    private var outstanding: [Int32] = []
    private var cursor: [Int] = []

    public init() {}

    /// A claim on one upstream; give it back with `release` when the exchange ends.
    public struct Lease: Sendable, Equatable {
        public let upstream: Int
        let generation: UInt64
    }

    /// The least loaded of the route's upstreams not in `excluding`, or nil if none is left.
    public mutating func acquire(route: Int, in table: RouteTable, excluding tried: [Int] = []) -> Lease? {
        sync(table)
        let candidates = table.routeUpstreams[route]
        let n = candidates.count
        guard n > 0 else { return nil }
        let start = cursor[route]
        var best = -1
        var bestLoad = Int32.max
        for k in 0..<n {
            let id = candidates[(start + k) % n]
            if !tried.isEmpty && tried.contains(id) { continue }
            let load = outstanding[id]
            if load < bestLoad {
                best = id
                bestLoad = load
            }
        }
        guard best >= 0 else { return nil }
        cursor[route] = (start + 1) % n
        outstanding[best] += 1
        return Lease(upstream: best, generation: generation)
    }

    public mutating func release(_ lease: Lease) {
        guard lease.generation == generation, outstanding[lease.upstream] > 0 else { return }
        outstanding[lease.upstream] -= 1
    }

    /// Requests in flight to an upstream from this loop.
    public func outstanding(_ upstream: Int) -> Int {
        upstream < outstanding.count ? Int(outstanding[upstream]) : 0
    }

    private mutating func sync(_ table: RouteTable) {
        guard table.generation != generation else { return }
        generation = table.generation
        outstanding = Array(repeating: 0, count: table.upstreams.count)
        cursor = Array(repeating: 0, count: table.routes.count)
    }
}

/// Whether a failed attempt may be tried again on another upstream. A request is retried only
/// when no byte of it reached the upstream (connect refused or timed out, or a pooled
/// connection found closed before anything was written), so nothing can run twice.
public enum RetryPolicy {
    public static let maxAttempts = 3

    public static func shouldRetry(failure: UpstreamFailure, sentAnything: Bool, attempts: Int, upstreamsLeft: Bool) -> Bool {
        guard !sentAnything, attempts < maxAttempts, upstreamsLeft else { return false }
        switch failure {
        case .connectRefused, .connectTimeout, .connectFailed, .closedBeforeRequest: return true
        case .reset, .responseTimeout, .badResponse, .closedBeforeResponse, .noUpstream, .idleTimeout: return false
        }
    }
}
