import DozeJSON
import Foundation
import KubeClient
import Synchronization

/// The leader's sleep service (contract §5), a thin shell around `SleepPlanner`: every tick it
/// gathers `/activity` from every proxy replica, asks the planner what to do, does it (sleep
/// attempts, concurrency scaling, lastActivityTime), and waits until the planner's next deadline
/// (at most `settings.interval`). Runs for one term of leadership; cancelled when it ends.
public final class SleepLoop: Sendable {
    private let client: KubeClient
    private let stores: ControllerStores
    let proxies: Informer
    private let events: EventRecorder
    private let metrics: ControllerMetrics
    private let settings: SleepSettings
    private let clock: RuntimeClock
    private let wallNow: @Sendable () -> Date
    private let admin: ProxyAdminClient
    private let planner: Mutex<SleepPlanner>
    private let collector = Mutex(ActivityCollector())
    /// Lanes (see `lane`) with an action under way.
    private let busy = Mutex<Set<String>>([])
    private let parsed = Mutex<[String: (version: String, app: App?)]>([:])

    init(client: KubeClient, stores: ControllerStores, proxies: Informer, events: EventRecorder, metrics: ControllerMetrics,
         settings: SleepSettings, clock: RuntimeClock, wallNow: @escaping @Sendable () -> Date = { Date() }) {
        self.metrics = metrics
        self.client = client
        self.stores = stores
        self.proxies = proxies
        self.events = events
        self.settings = settings
        self.clock = clock
        self.wallNow = wallNow
        admin = ProxyAdminClient(timeout: settings.requestTimeout)
        planner = Mutex(SleepPlanner(settings: settings, termStart: clock.now()))
    }

    /// A change of one of our Deployments, seen by the informer (leader or not): a wake is dated
    /// when it is seen, not at the next tick.
    func deploymentChanged(_ change: ObjectCache.Change) {
        guard let d = change.new ?? change.old else { return }
        let replicas = change.new.map { $0[path: "spec", "replicas"].int ?? 1 } ?? 0
        let now = clock.now()
        planner.withLock { $0.observe(app: ObjectCache.key(of: d), replicas: replicas, now: now) }
    }

    /// One term: runs until cancelled. Actions run beside the loop, at most one per App at a
    /// time, so a slow API call for one App delays neither the gathers nor the other Apps.
    func run() async {
        await proxies.waitSynced()
        let start = clock.now()
        planner.withLock { $0 = SleepPlanner(settings: settings, termStart: start) }
        collector.withLock { $0 = ActivityCollector() }
        for d in stores.deployments.all {
            deploymentChanged(ObjectCache.Change(old: nil, new: d))
        }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let (actions, next) = await tick()
                for action in actions where busy.withLock({ $0.insert(Self.lane(action)).inserted }) {
                    group.addTask {
                        await self.perform(action)
                        _ = self.busy.withLock { $0.remove(Self.lane(action)) }
                    }
                }
                let wait = max(next, clock.now() + .milliseconds(20))
                do { try await clock.sleepUntil(wait) } catch { break }
            }
        }
        busy.withLock { $0 = [] }
    }

    /// Actions in one lane never overlap: those that change an App's replicas, and its status write.
    static func lane(_ action: SleepAction) -> String {
        if case .recordActivity = action { return "activity|\(action.app)" }
        return "replicas|\(action.app)"
    }

    /// Gather and plan; returns the actions and when to tick again.
    func tick() async -> (actions: [SleepAction], next: Duration) {
        let endpoints = ProxyDiscovery.adminURLs(proxies.cache.all)
        let reachable = await gather(endpoints)
        metrics.setProxies(discovered: endpoints.count, answering: reachable.count)
        let now = clock.now()
        let reports = collector.withLock { c -> [String: ReplicaReport] in
            c.prune(keeping: Set(endpoints), now: now, lifetime: settings.reportLifetime)
            return c.reports
        }
        let apps = awakeApps(now: now)
        return planner.withLock { $0.plan(apps: apps, reports: reports, reachable: reachable, now: now) }
    }

    /// Fetches every replica's report at once; returns the endpoints that answered.
    private func gather(_ endpoints: [String]) async -> Set<String> {
        await withTaskGroup(of: (String, ReplicaReport?).self) { group in
            for endpoint in endpoints {
                group.addTask {
                    let body = try? await self.admin.activity(endpoint)
                    return (endpoint, body.flatMap { ActivityCollector.parse($0, fetchedAt: self.clock.now()) })
                }
            }
            var answered = Set<String>()
            for await (endpoint, report) in group {
                guard let report else { continue }
                answered.insert(endpoint)
                collector.withLock { $0.record(report, from: endpoint) }
            }
            return answered
        }
    }

    /// Every App whose Deployment has replicas above zero, with what the planner needs of it.
    private func awakeApps(now: Duration) -> [AwakeApp] {
        let autoscaled = stores.autoscalers.map { AutoscalerIndex.targets($0.all) } ?? []
        var out: [AwakeApp] = []
        for d in stores.deployments.all {
            let replicas = d[path: "spec", "replicas"].int ?? 1
            let key = ObjectCache.key(of: d)
            guard replicas > 0, let object = stores.apps.get(key), object[path: "metadata", "deletionTimestamp"].isNull,
                  let app = parse(object) else { continue }
            let s = app.spec.scaling
            var recorded: Duration?
            if let text = object[path: "status", "lastActivityTime"].string, let date = KubeTime.parse(text) {
                recorded = now - .milliseconds(Int64(wallNow().timeIntervalSince(date) * 1000))
            }
            out.append(AwakeApp(key: key, replicas: replicas, scaleToZero: s.scaleToZero,
                                idleTimeout: .milliseconds(s.idleTimeout.milliseconds), minReplicas: max(s.minReplicas, 1),
                                maxReplicas: app.spec.hasClaim ? 1 : max(s.maxReplicas, s.minReplicas, 1),
                                targetConcurrency: s.targetConcurrency, autoscaled: autoscaled.contains(key),
                                recordedActivity: recorded))
        }
        return out
    }

    /// The App, parsed once per resourceVersion (an invalid one is skipped).
    private func parse(_ object: JSON) -> App? {
        let key = ObjectCache.key(of: object), version = object[path: "metadata", "resourceVersion"].string ?? ""
        if let hit = parsed.withLock({ $0[key] }), hit.version == version { return hit.app }
        let app = try? App(parsing: object)
        parsed.withLock { $0[key] = (version, app) }
        return app
    }

    private func perform(_ action: SleepAction) async {
        switch action {
        case .sleep(let attempt): await run(attempt)
        case .scale(let app, let from, let to): _ = try? await scale(app, from: from, to: to)
        case .recordActivity(let app, let at): try? await writeActivity(app, at: at)
        }
    }

    /// One sleep attempt, step by step as `SleepAttempt` says.
    private func run(_ initial: SleepAttempt) async {
        var attempt = initial
        var step = attempt.start
        while true {
            switch step {
            case .fence(let endpoints, let ttl):
                let sentAt = clock.now()
                let answers = await fence(endpoints, app: attempt.app, ttl: ttl)
                step = attempt.fenced(answers, sentAt: sentAt, now: clock.now())
            case .scaleToZero(let from):
                let ok = (try? await scale(attempt.app, from: from, to: 0)) != nil
                step = attempt.scaled(ok)
            case .unfence(let endpoints, let slept):
                metrics.sleepAttempt(slept ? "slept" : "aborted")
                let app = attempt.app
                await withTaskGroup(of: Void.self) { group in
                    for e in endpoints { group.addTask { try? await self.admin.unfence(e, app: app, slept: slept) } }
                }
                await finish(attempt)
                return
            }
        }
    }

    private func fence(_ endpoints: [String], app: String, ttl: Duration) async -> [String: AppActivity?] {
        await withTaskGroup(of: (String, AppActivity?).self) { group in
            for e in endpoints { group.addTask { (e, try? await self.admin.fence(e, app: app, ttl: ttl)) } }
            var out: [String: AppActivity?] = [:]
            for await (e, a) in group { out[e] = .some(a) }
            return out
        }
    }

    /// After a sleep: Event and lastActivityTime (the reconciler writes state Idle when the
    /// Deployment shows 0).
    private func finish(_ attempt: SleepAttempt) async {
        planner.withLock { $0.finished(attempt, now: clock.now()) }
        guard case .slept(let last) = attempt.outcome, let object = stores.apps.get(attempt.app) else { return }
        metrics.wrote("Event")
        let idle = AppDuration(milliseconds: Int64(attempt.policy.idleTimeout / .milliseconds(1)))
        try? await events.record(about: object, type: "Normal", reason: "Sleeping",
                                 message: "no request for \(idle) on any proxy; scaled to zero")
        if let last { try? await writeActivity(attempt.app, at: last) }
    }

    /// JSON patch on the scale subresource: `test` the count the decision saw, then replace it.
    private func scale(_ key: String, from: Int, to: Int) async throws {
        let (ns, name) = Self.split(key)
        let api = client.dynamicApi(.deployment, namespace: ns)
        metrics.wrote("Scale")
        let scale = try await api.patchScale(name, .json(SleepAttempt.scalePatch(from: from, to: to)))
        // The cache must not show the old count to the next tick (that would start a second attempt).
        if var d = stores.deployments.get(key), let rv = scale.json[path: "metadata", "resourceVersion"].string {
            d[path: "spec", "replicas"] = JSON(to)
            d[path: "metadata", "resourceVersion"] = .string(rv)
            stores.deployments.writeThrough(d)
        }
    }

    private func writeActivity(_ key: String, at instant: Duration) async throws {
        let ago = clock.now() - instant
        let date = wallNow().addingTimeInterval(-Double(ago / .milliseconds(1)) / 1000)
        let (ns, name) = Self.split(key)
        metrics.wrote("AppStatus")
        let stored = try await client.dynamicApi(.app, namespace: ns)
            .patchStatus(name, .merge(["status": ["lastActivityTime": .string(KubeTime.format(date))]]))
        stores.apps.writeThrough(stored.json)
    }

    static func split(_ key: String) -> (String, String) {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}
