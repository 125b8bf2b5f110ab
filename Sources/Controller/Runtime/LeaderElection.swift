/// The fields of a `coordination.k8s.io/v1` Lease that leader election uses.
public struct LeaseRecord: Sendable, Equatable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int
    /// RFC 3339 MicroTime strings, written by the holder; informational for others.
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int

    public init(holderIdentity: String?, leaseDurationSeconds: Int, acquireTime: String? = nil,
                renewTime: String? = nil, leaseTransitions: Int = 0) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}

public struct LeaderElectionConfig: Sendable, Equatable {
    public var identity: String
    public var leaseDuration: Duration
    /// The leader gives up if it could not renew for this long (< leaseDuration, so it stops
    /// before anyone else may take over).
    public var renewDeadline: Duration
    public var retryPeriod: Duration

    public init(identity: String, leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
                retryPeriod: Duration = .seconds(2)) {
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }
}

public enum LeaseDecision: Sendable, Equatable {
    /// Write this record (create when there is none, else update with the observed
    /// resourceVersion so a concurrent writer makes one of us fail with 409).
    case write(LeaseRecord)
    /// Someone else holds a live lease; look again after `retryPeriod`.
    case follow(leader: String?)
}

/// client-go's leader election as a pure decision. A follower never trusts the holder's
/// `renewTime` (clocks differ): it measures expiry from when it *observed* the record change
/// (`observedAt`, on its own monotonic clock).
public enum LeaderElector {
    public static func decide(current: LeaseRecord?, observedAt: Duration, now: Duration, wallNow: String,
                              config: LeaderElectionConfig) -> LeaseDecision {
        let seconds = Int(config.leaseDuration.components.seconds)
        guard let current, let holder = current.holderIdentity, !holder.isEmpty else {
            let transitions = (current?.leaseTransitions ?? 0) + (current == nil ? 0 : 1)
            return .write(LeaseRecord(holderIdentity: config.identity, leaseDurationSeconds: seconds,
                                      acquireTime: wallNow, renewTime: wallNow, leaseTransitions: transitions))
        }
        if holder == config.identity {
            var renewed = current
            renewed.renewTime = wallNow
            renewed.leaseDurationSeconds = seconds
            return .write(renewed)
        }
        let theirDuration = Duration.seconds(max(current.leaseDurationSeconds, 1))
        if now - observedAt < theirDuration { return .follow(leader: holder) }
        return .write(LeaseRecord(holderIdentity: config.identity, leaseDurationSeconds: seconds,
                                  acquireTime: wallNow, renewTime: wallNow,
                                  leaseTransitions: current.leaseTransitions + 1))
    }

    /// Whether a leader that last renewed successfully at `lastRenew` must step down now.
    public static func mustStepDown(lastRenew: Duration, now: Duration, config: LeaderElectionConfig) -> Bool {
        now - lastRenew >= config.renewDeadline
    }
}
