/// One awake App (its Deployment has replicas > 0) as the sleep loop sees it at a tick.
public struct AwakeApp: Sendable, Equatable {
    public var key: String
    /// The Deployment's spec.replicas.
    public var replicas: Int
    public var scaleToZero: Bool
    public var idleTimeout: Duration
    /// The replica range while awake (max already capped, e.g. to 1 with a volume claim).
    public var minReplicas: Int
    public var maxReplicas: Int
    public var targetConcurrency: Int
    /// An HPA scales the Deployment: replicas above zero are its business.
    public var autoscaled: Bool
    /// The App's status.lastActivityTime, on the controller's monotonic clock.
    public var recordedActivity: Duration?

    public init(key: String, replicas: Int, scaleToZero: Bool = true, idleTimeout: Duration, minReplicas: Int = 1,
                maxReplicas: Int = 1, targetConcurrency: Int = 100, autoscaled: Bool = false, recordedActivity: Duration? = nil) {
        self.key = key
        self.replicas = replicas
        self.scaleToZero = scaleToZero
        self.idleTimeout = idleTimeout
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.targetConcurrency = targetConcurrency
        self.autoscaled = autoscaled
        self.recordedActivity = recordedActivity
    }
}

/// What the sleep loop does for one tick.
public enum SleepAction: Sendable, Equatable {
    case sleep(SleepAttempt)
    /// Concurrency scaling: JSON patch `test from` + `replace to` on the scale subresource.
    case scale(app: String, from: Int, to: Int)
    /// Write status.lastActivityTime (a controller-clock instant).
    case recordActivity(app: String, at: Duration)

    /// The App the action is about.
    public var app: String {
        switch self {
        case .sleep(let a): return a.app
        case .scale(let app, _, _), .recordActivity(let app, _): return app
        }
    }
}
