import DozeJSON
import HTTPCore
import Synchronization

/// Every App's runtime in this proxy replica, by "namespace/name", kept across route snapshots
/// (an App that disappears keeps its few bytes until restart, like its activity cell). Also the
/// admin API's entry to fences.
public final class AppRegistry: Sendable {
    public let activity: ActivityTracker
    let deps: WakeDependencies
    private let runtimes = Mutex<[String: AppRuntime]>([:])

    /// `probeLoop`: the event loop health probes run on. `queueCapacity` bounds each App's wake
    /// queue; `admitPerBackend` is how many held requests a starting backend gets at once.
    public init(activity: ActivityTracker, scaler: any AppScaler, probeLoop: EventLoop, metrics: WakeMetrics,
                queueCapacity: Int = 1000, admitPerBackend: Int = 8) {
        self.activity = activity
        deps = WakeDependencies(scaler: scaler, probeLoop: probeLoop, metrics: metrics,
                                queueCapacity: queueCapacity, admitPerBackend: admitPerBackend)
        metrics.countHeld { [weak self] in self?.heldCount ?? 0 }
    }

    /// Requests held in every App's wake queue now.
    public var heldCount: Int {
        let all = runtimes.withLock { Array($0.values) }
        return all.reduce(0) { $0 + $1.heldCount }
    }

    /// The runtime of an App route's App, created on first sight.
    func runtime(for info: AppRouteInfo) -> AppRuntime {
        if let r = runtimes.withLock({ $0[info.key] }) { return r }
        let cell = activity.cell(for: info.key)
        return runtimes.withLock { r in
            if let existing = r[info.key] { return existing }
            let created = AppRuntime(info: info, activity: cell, deps: deps)
            r[info.key] = created
            return created
        }
    }

    public func runtime(named key: String) -> AppRuntime? { runtimes.withLock { $0[key] } }

    /// A snapshot was published: each App's shell learns its endpoints.
    func observe(_ table: RouteTable) {
        for (i, app) in table.apps.enumerated() {
            guard let app, let info = table.routes[i].app else { continue }
            app.observe(ready: table.routes[i].upstreams, info: info)
        }
    }

    /// `POST /fence`: hold the App's new requests for `ttl`; the answer is read after the fence
    /// took effect. An App not routed here answers zeros (contract §3).
    public func fence(_ key: String, ttl: Duration) -> JSON {
        runtime(named: key)?.fence(ttl: ttl)
        var out = report(key)
        out["replica"] = .string(activity.replica)
        out["app"] = .string(key)
        return out
    }

    /// `POST /unfence`.
    public func unfence(_ key: String, slept: Bool) -> JSON {
        runtime(named: key)?.unfence(slept: slept)
        return ["replica": .string(activity.replica), "app": .string(key)]
    }

    private func report(_ key: String) -> JSON {
        let apps = activity.report()["apps"]
        let entry = apps[key]
        if case .object = entry { return entry }
        return ["inFlight": 0, "openTunnels": 0, "idleMillis": 0]
    }
}
