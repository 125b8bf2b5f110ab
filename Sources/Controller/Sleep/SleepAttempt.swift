import DozeJSON

/// One attempt to put an App to sleep (contract §5), as a value that returns the next step:
/// fence every reachable proxy replica → re-check with their fresh answers → scale to zero with
/// a `test` of the replica count the decision saw → unfence, telling the proxies whether the App
/// slept. The fence closes the gap between the decision and the scale-down: a request arriving
/// meanwhile is held (and shows in the fence answer), never sent to a pod about to terminate.
public struct SleepAttempt: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// Fence the App on these admin endpoints, then call `fenced`.
        case fence(endpoints: [String], ttl: Duration)
        /// Patch the scale subresource: `test /spec/replicas == from`, `replace 0`; then `scaled`.
        case scaleToZero(from: Int)
        /// End the fence on these endpoints; then the attempt is over (`outcome` says how).
        case unfence(endpoints: [String], slept: Bool)
    }

    public enum Outcome: Sendable, Equatable {
        /// Scaled to zero; the last activity any replica reported (controller clock), if any.
        case slept(lastActivity: Duration?)
        case aborted(String)
    }

    public let app: String
    public let replicas: Int
    public let endpoints: [String]
    public let policy: SleepPolicy
    public let awakeSince: Duration
    public let fenceTTL: Duration
    /// Reports of replicas that cannot be fenced (unreachable): they still count in the re-check.
    public let unfencedReports: [ReplicaReport]
    /// Fenced replicas whose last report did not list the App (they do not route it): a proxy
    /// answers zeros for an App it does not know, so only their in-flight count means anything.
    public let unknownTo: Set<String>
    public private(set) var outcome: Outcome?

    public init(app: String, replicas: Int, endpoints: [String], policy: SleepPolicy, awakeSince: Duration,
                fenceTTL: Duration = .seconds(10), unfencedReports: [ReplicaReport] = [], unknownTo: Set<String> = []) {
        self.unknownTo = unknownTo
        self.app = app
        self.replicas = replicas
        self.endpoints = endpoints
        self.policy = policy
        self.awakeSince = awakeSince
        self.fenceTTL = fenceTTL
        self.unfencedReports = unfencedReports
    }

    public var start: Step { .fence(endpoints: endpoints, ttl: fenceTTL) }

    /// The fence answers, by endpoint (nil: that replica did not answer, so it may be serving the
    /// App unfenced). Sleep only if every replica answered and the decision still says sleep.
    /// `sentAt`: when the fences were sent; answers slower than half the TTL leave too little of
    /// the fence for the scale-down, which must land while new requests are still held.
    public mutating func fenced(_ answers: [String: AppActivity?], sentAt: Duration? = nil, now: Duration) -> Step {
        if let sentAt, now - sentAt > fenceTTL / 2 { return abort("the fence answers took \(now - sentAt)") }
        var fresh: [ReplicaReport] = []
        for endpoint in endpoints {
            guard let answer = answers[endpoint], let activity = answer else {
                return abort("proxy \(endpoint) did not answer the fence")
            }
            if activity.inFlight > 0 { return abort("proxy \(endpoint) has \(activity.inFlight) request(s) in flight") }
            if unknownTo.contains(endpoint) { continue }
            fresh.append(ReplicaReport(replica: endpoint, fetchedAt: now, apps: [app: activity]))
        }
        let reports = fresh + unfencedReports
        guard SleepDecider.decide(app: app, policy: policy, awakeSince: awakeSince, now: now, reports: reports) == .sleep else {
            return abort("activity since the decision")
        }
        lastActivity = Self.lastActivity(of: app, in: reports, lifetime: policy.reportLifetime, now: now)
        return .scaleToZero(from: replicas)
    }

    /// The scale patch's result: false when its `test` failed (a wake got there first) or it erred.
    public mutating func scaled(_ succeeded: Bool) -> Step {
        if !succeeded { return abort("the replica count changed before the scale-down (a wake won)") }
        outcome = .slept(lastActivity: lastActivity)
        return .unfence(endpoints: endpoints, slept: true)
    }

    /// The JSON patch of `scaleToZero(from:)`: the test makes a concurrent wake win.
    public static func scalePatch(from: Int, to: Int) -> [JSON] {
        [["op": "test", "path": "/spec/replicas", "value": JSON(from)],
         ["op": "replace", "path": "/spec/replicas", "value": JSON(to)]]
    }

    /// The most recent activity of `app` among reports younger than `lifetime`.
    public static func lastActivity(of app: String, in reports: [ReplicaReport], lifetime: Duration, now: Duration) -> Duration? {
        reports.filter { now - $0.fetchedAt <= lifetime }.compactMap { r in r.apps[app].map { r.fetchedAt - $0.idle } }.max()
    }

    private var lastActivity: Duration?

    private mutating func abort(_ why: String) -> Step {
        outcome = .aborted(why)
        return .unfence(endpoints: endpoints, slept: false)
    }
}
