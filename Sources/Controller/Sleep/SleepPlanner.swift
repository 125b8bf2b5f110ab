/// The sleep loop's decisions, pure: per tick, from the awake Apps and the proxies' reports, the
/// actions to take and when to look again. It remembers, per App, when this controller saw it
/// wake, the concurrency scale-down window, and when it last wrote lastActivityTime.
public struct SleepPlanner: Sendable {
    struct Memory: Sendable {
        var below: (since: Duration, highest: Int)?
        var activityWrittenAt: Duration?
        /// Sleep attempts aborted in a row, and when the next may start (a proxy that keeps failing
        /// its fence must not have the App fenced every second).
        var aborts = 0
        var retryAt: Duration?
    }

    public let settings: SleepSettings
    public let termStart: Duration
    /// When this controller saw each App's replicas go above zero.
    private var wokenAt: [String: Duration] = [:]
    private var memory: [String: Memory] = [:]

    public init(settings: SleepSettings = SleepSettings(), termStart: Duration) {
        self.settings = settings
        self.termStart = termStart
    }

    /// A Deployment's replica count as the cache shows it (called on every change).
    public mutating func observe(app: String, replicas: Int, now: Duration) {
        if replicas <= 0 {
            wokenAt[app] = nil
            memory[app] = nil
        } else if wokenAt[app] == nil {
            wokenAt[app] = now
        }
    }

    /// Idleness counts from here at the earliest: the wake this controller saw, or its term's start.
    public func awakeSince(_ app: String) -> Duration { max(wokenAt[app] ?? termStart, termStart) }

    /// `reports` by admin endpoint; `reachable` are the endpoints that answered the last gather.
    public mutating func plan(apps: [AwakeApp], reports: [String: ReplicaReport], reachable: Set<String>,
                              now: Duration) -> (actions: [SleepAction], next: Duration) {
        var actions: [SleepAction] = []
        var next = now + settings.interval
        let live = reports.values.filter { now - $0.fetchedAt <= settings.reportLifetime }
        let awake = Set(apps.filter { $0.replicas > 0 }.map(\.key))
        wokenAt = wokenAt.filter { awake.contains($0.key) }
        memory = memory.filter { awake.contains($0.key) }
        for app in apps where app.replicas > 0 {
            observe(app: app.key, replicas: app.replicas, now: now)
            if app.scaleToZero {
                let policy = SleepPolicy(idleTimeout: app.idleTimeout, reportLifetime: settings.reportLifetime)
                let since = awakeSince(app.key)
                switch SleepDecider.decide(app: app.key, policy: policy, awakeSince: since, now: now, reports: Array(live)) {
                case .sleep where (memory[app.key]?.retryAt ?? now) > now:
                    next = min(next, memory[app.key]?.retryAt ?? now)
                case .sleep:
                    let fenced = reachable.sorted()
                    let others = reports.filter { !reachable.contains($0.key) }.map(\.value)
                    let unknown = Set(fenced.filter { reports[$0]?.apps[app.key] == nil })
                    actions.append(.sleep(SleepAttempt(app: app.key, replicas: app.replicas, endpoints: fenced, policy: policy,
                                                       awakeSince: since, fenceTTL: settings.fenceTTL, unfencedReports: others,
                                                       unknownTo: unknown)))
                    continue
                case .stayAwake(let after):
                    memory[app.key]?.aborts = 0
                    memory[app.key]?.retryAt = nil
                    next = min(next, now + after)
                }
            }
            if let a = scaleAction(app, reports: live, now: now, next: &next) { actions.append(a) }
            if let a = activityAction(app, reports: live, now: now) { actions.append(a) }
        }
        return (actions, next)
    }

    /// The attempt ended: forget the App if it slept (the cache may not show 0 replicas yet).
    public mutating func finished(_ attempt: SleepAttempt, now: Duration) {
        if case .slept = attempt.outcome { return observe(app: attempt.app, replicas: 0, now: now) }
        var m = memory[attempt.app] ?? Memory()
        m.aborts += 1
        m.retryAt = now + min(settings.interval * (1 << min(m.aborts - 1, 10)), settings.maxRetryDelay)
        memory[attempt.app] = m
    }

    /// Replicas wanted for the in-flight requests across proxies, within the App's range.
    public static func desiredReplicas(inFlight: Int, _ app: AwakeApp) -> Int {
        let target = max(app.targetConcurrency, 1)
        let wanted = (inFlight + target - 1) / target
        return min(max(wanted, app.minReplicas, 1), max(app.maxReplicas, app.minReplicas, 1))
    }

    /// Up at once; down only after `scaleDownDelay` below, to the highest count wanted meanwhile.
    mutating func scaleAction(_ app: AwakeApp, reports: [ReplicaReport], now: Duration, next: inout Duration) -> SleepAction? {
        guard !app.autoscaled, app.maxReplicas > app.minReplicas else { return nil }
        let inFlight = reports.reduce(0) { $0 + ($1.apps[app.key]?.inFlight ?? 0) }
        let desired = Self.desiredReplicas(inFlight: inFlight, app)
        if desired >= app.replicas {
            memory[app.key, default: Memory()].below = nil
            return desired > app.replicas ? .scale(app: app.key, from: app.replicas, to: desired) : nil
        }
        var below = memory[app.key]?.below ?? (since: now, highest: desired)
        below.highest = max(below.highest, desired)
        if now - below.since >= settings.scaleDownDelay {
            memory[app.key, default: Memory()].below = nil
            return .scale(app: app.key, from: app.replicas, to: below.highest)
        }
        memory[app.key, default: Memory()].below = below
        next = min(next, below.since + settings.scaleDownDelay)
        return nil
    }

    /// lastActivityTime while awake: when it moved, at most once per `activityWriteInterval`.
    mutating func activityAction(_ app: AwakeApp, reports: [ReplicaReport], now: Duration) -> SleepAction? {
        guard let last = SleepAttempt.lastActivity(of: app.key, in: reports, lifetime: settings.reportLifetime, now: now)
        else { return nil }
        if let recorded = app.recordedActivity, last - recorded < .seconds(1) { return nil }
        if let written = memory[app.key]?.activityWrittenAt, now - written < settings.activityWriteInterval { return nil }
        memory[app.key, default: Memory()].activityWrittenAt = now
        return .recordActivity(app: app.key, at: last)
    }
}
