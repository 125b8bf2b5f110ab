import DozeJSON

/// The last activity report of every proxy replica, as the leading controller gathered it.
/// A replica that cannot be reached keeps its last report (the sleep decision ages it out), so
/// one unreachable proxy never makes every App look idle — nor busy forever.
public struct ActivityCollector: Sendable {
    public private(set) var reports: [String: ReplicaReport] = [:]

    public init() {}

    /// Parses a proxy's `/activity` body (see Proxy's ActivityTracker.report) fetched at `now`.
    public static func parse(_ body: JSON, fetchedAt now: Duration) -> ReplicaReport? {
        guard let replica = body["replica"].string, let apps = body["apps"].object else { return nil }
        var out: [String: AppActivity] = [:]
        for (app, a) in apps {
            guard let idle = a["idleMillis"].int else { continue }
            out[app] = AppActivity(inFlight: a["inFlight"].int ?? 0, idle: .milliseconds(idle),
                                   openTunnels: a["openTunnels"].int ?? 0)
        }
        return ReplicaReport(replica: replica, fetchedAt: now, apps: out)
    }

    /// Records a fetched report under the endpoint it came from (an address, since a proxy pod
    /// may restart under the same name with fresh counters).
    public mutating func record(_ report: ReplicaReport, from endpoint: String) {
        reports[endpoint] = report
    }

    /// Forgets replicas whose reports are older than `lifetime` and that are no longer among the
    /// proxy Service's endpoints.
    public mutating func prune(keeping endpoints: Set<String>, now: Duration, lifetime: Duration) {
        reports = reports.filter { endpoints.contains($0.key) || now - $0.value.fetchedAt <= lifetime }
    }

    public var all: [ReplicaReport] { reports.keys.sorted().map { reports[$0]! } }
}
