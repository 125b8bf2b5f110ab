/// What one proxy replica last said about one App. `idle` is measured on the proxy's own
/// monotonic clock (time since its last request start/end or upgraded-connection byte), so proxy
/// and controller clocks never need to agree.
public struct AppActivity: Sendable, Equatable {
    public var inFlight: Int
    public var idle: Duration
    public var openTunnels: Int

    public init(inFlight: Int = 0, idle: Duration, openTunnels: Int = 0) {
        self.inFlight = inFlight
        self.idle = idle
        self.openTunnels = openTunnels
    }
}

/// The last report fetched from one proxy replica, stamped with the controller's clock.
/// An unreachable replica keeps its last report (KEDA's scaler once broke all scaling when one
/// interceptor was down) until it is older than `SleepPolicy.reportLifetime`.
public struct ReplicaReport: Sendable, Equatable {
    public var replica: String
    public var fetchedAt: Duration
    public var apps: [String: AppActivity]

    public init(replica: String, fetchedAt: Duration, apps: [String: AppActivity]) {
        self.replica = replica
        self.fetchedAt = fetchedAt
        self.apps = apps
    }
}

public struct SleepPolicy: Sendable, Equatable {
    public var idleTimeout: Duration
    /// Reports older than this are ignored: their replica is gone, and its in-flight count with it.
    public var reportLifetime: Duration

    public init(idleTimeout: Duration, reportLifetime: Duration = .seconds(120)) {
        self.idleTimeout = idleTimeout
        self.reportLifetime = reportLifetime
    }
}

public enum SleepDecision: Sendable, Equatable {
    /// Scale to zero now.
    case sleep
    /// Keep running; look again after this long (when the idle timeout would next expire).
    case stayAwake(recheckAfter: Duration)
}

public enum SleepDecider {
    /// Decides whether an awake App may go to zero. `awakeSince` is when it was last woken or
    /// scaled up: idleness is counted from the later of that and the last activity any replica saw,
    /// so a fresh wake is never undone before its first request arrives (KEDA #882 counted from
    /// scale-up only; we count from the last request).
    public static func decide(app: String, policy: SleepPolicy, awakeSince: Duration, now: Duration,
                              reports: [ReplicaReport]) -> SleepDecision {
        var lastActivity = awakeSince
        for r in reports where now - r.fetchedAt <= policy.reportLifetime {
            guard let a = r.apps[app] else { continue }
            if a.inFlight > 0 { return .stayAwake(recheckAfter: recheckWhileBusy(policy)) }
            lastActivity = max(lastActivity, r.fetchedAt - a.idle)
        }
        let idleFor = now - lastActivity
        if idleFor >= policy.idleTimeout { return .sleep }
        return .stayAwake(recheckAfter: policy.idleTimeout - idleFor)
    }

    /// While requests are in flight the App cannot sleep before idleTimeout after they end, but
    /// the controller must notice the end promptly: poll at a fraction of the timeout.
    static func recheckWhileBusy(_ p: SleepPolicy) -> Duration {
        min(max(p.idleTimeout / 4, .milliseconds(250)), .seconds(5))
    }
}
