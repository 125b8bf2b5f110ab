import DozeJSON
import Synchronization

/// Activity of one App as seen by this proxy replica, updated from every event loop without
/// locks: in-flight requests (held ones included — a held request must keep the App from being
/// put to sleep), open tunnels, and the monotonic time of the last request start/end or tunnel
/// byte. The controller reads it through the admin endpoint (`/activity`).
public final class AppActivityCell: Sendable {
    let inFlight = Atomic<Int>(0)
    let openTunnels = Atomic<Int>(0)
    /// Nanoseconds on the proxy's monotonic clock; writers store "now", so the largest recent
    /// value wins closely enough (two loops racing differ by microseconds).
    let lastActivityNanos = Atomic<Int64>(0)

    init(now: Int64) { lastActivityNanos.store(now, ordering: .relaxed) }

    public func requestStarted(now: Int64) {
        inFlight.add(1, ordering: .relaxed)
        lastActivityNanos.store(now, ordering: .relaxed)
    }

    public func requestFinished(now: Int64) {
        inFlight.subtract(1, ordering: .relaxed)
        lastActivityNanos.store(now, ordering: .relaxed)
    }

    public func tunnelOpened(now: Int64) {
        openTunnels.add(1, ordering: .relaxed)
        lastActivityNanos.store(now, ordering: .relaxed)
    }

    public func tunnelClosed(now: Int64) {
        openTunnels.subtract(1, ordering: .relaxed)
        lastActivityNanos.store(now, ordering: .relaxed)
    }

    /// Bytes moved on an upgraded connection (a websocket with traffic is activity; a silent
    /// one is not, so it cannot keep an App awake forever).
    public func tunnelTraffic(now: Int64) { lastActivityNanos.store(now, ordering: .relaxed) }
}

/// All Apps' activity cells. Cells are created on first use and never removed while the
/// process runs (an App that is deleted costs a few bytes until restart).
public final class ActivityTracker: Sendable {
    private let cells = Mutex<[String: AppActivityCell]>([:])
    public let replica: String
    private let clock: @Sendable () -> Int64

    public init(replica: String, clock: @escaping @Sendable () -> Int64 = ActivityTracker.monotonicNanos) {
        self.replica = replica
        self.clock = clock
    }

    /// The cell for `app` ("namespace/name"). Callers on the hot path cache the cell in their
    /// route snapshot so the lock is taken once per App, not per request.
    public func cell(for app: String) -> AppActivityCell {
        cells.withLock { c in
            if let cell = c[app] { return cell }
            let cell = AppActivityCell(now: clock())
            c[app] = cell
            return cell
        }
    }

    public var now: Int64 { clock() }

    /// The report the controller fetches: `{"replica": …, "apps": {"ns/name": {"inFlight": n,
    /// "openTunnels": n, "idleMillis": n}}}`. Idle time is measured here, on this replica's clock,
    /// so proxy and controller clocks never have to agree.
    public func report() -> JSON {
        let now = clock()
        let snapshot = cells.withLock { $0 }
        var apps: [String: JSON] = [:]
        for (app, c) in snapshot {
            let idle = max(now - c.lastActivityNanos.load(ordering: .relaxed), 0) / 1_000_000
            apps[app] = ["inFlight": JSON(c.inFlight.load(ordering: .relaxed)),
                         "openTunnels": JSON(c.openTunnels.load(ordering: .relaxed)),
                         "idleMillis": .int(idle)]
        }
        return ["replica": .string(replica), "apps": .object(apps)]
    }

    /// CLOCK_MONOTONIC in nanoseconds: the clock the data path already reads per request, so
    /// it can pass its request-start time to the cells without a second clock call.
    public static let monotonicNanos: @Sendable () -> Int64 = { Int64(Proxy.monotonicNanos()) }
}
