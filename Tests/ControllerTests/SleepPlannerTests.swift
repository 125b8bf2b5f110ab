import Testing
@testable import Controller

/// The sleep loop's decisions, pure: time is a value passed in (seconds on the controller's clock).
@Suite struct SleepPlannerTests {
    let app = "team/web"
    func report(_ replica: String, at t: Int, inFlight: Int = 0, idle: Int) -> ReplicaReport {
        ReplicaReport(replica: replica, fetchedAt: .seconds(t), apps: [app: AppActivity(inFlight: inFlight, idle: .seconds(idle))])
    }
    func awake(replicas: Int = 1, min: Int = 1, max: Int = 1, target: Int = 100, autoscaled: Bool = false,
               scaleToZero: Bool = true) -> AwakeApp {
        AwakeApp(key: app, replicas: replicas, scaleToZero: scaleToZero, idleTimeout: .seconds(60), minReplicas: min,
                 maxReplicas: max, targetConcurrency: target, autoscaled: autoscaled)
    }
    /// A term that started at 0 with the App already awake.
    func planner() -> SleepPlanner {
        var p = SleepPlanner(termStart: .zero)
        p.observe(app: app, replicas: 1, now: .zero)
        return p
    }
    func sleeps(_ actions: [SleepAction]) -> SleepAttempt? {
        for case .sleep(let a) in actions { return a }
        return nil
    }

    @Test func allReplicasIdleFenceThenSleep() throws {
        var p = planner()
        let reports = ["http://a:1": report("a", at: 100, idle: 61), "http://b:1": report("b", at: 100, idle: 70)]
        let plan = p.plan(apps: [awake()], reports: reports, reachable: ["http://a:1", "http://b:1"], now: .seconds(100))
        var attempt = try #require(sleeps(plan.actions))
        #expect(attempt.start == .fence(endpoints: ["http://a:1", "http://b:1"], ttl: .seconds(10)))
        let answers: [String: AppActivity?] = ["http://a:1": AppActivity(idle: .milliseconds(61_050)),
                                               "http://b:1": AppActivity(idle: .milliseconds(70_050))]
        #expect(attempt.fenced(answers, now: .milliseconds(100_050)) == .scaleToZero(from: 1))
        #expect(attempt.scaled(true) == .unfence(endpoints: ["http://a:1", "http://b:1"], slept: true))
        #expect(attempt.outcome == .slept(lastActivity: .seconds(39)))
        p.finished(attempt, now: .seconds(101))
        #expect(p.awakeSince(app) == .zero)
        #expect(SleepAttempt.scalePatch(from: 1, to: 0) ==
                [["op": "test", "path": "/spec/replicas", "value": 1], ["op": "replace", "path": "/spec/replicas", "value": 0]])
    }

    @Test func oneBusyReplicaKeepsItUp() {
        var p = planner()
        let reports = ["a": report("a", at: 100, idle: 600), "b": report("b", at: 100, inFlight: 1, idle: 600)]
        let plan = p.plan(apps: [awake()], reports: reports, reachable: ["a", "b"], now: .seconds(100))
        #expect(plan.actions.allSatisfy { if case .sleep = $0 { false } else { true } })
        #expect(plan.next <= .seconds(101), "looks again within the interval")
    }

    @Test func aStaleReportOfAnUnreachableReplicaStillCounts() throws {
        var p = planner()
        // b was last reached at t=40, 5 s after a request: its last activity is t=35.
        let reports = ["a": report("a", at: 70, idle: 70), "b": report("b", at: 40, idle: 5)]
        let early = p.plan(apps: [awake()], reports: reports, reachable: ["a"], now: .seconds(70))
        #expect(sleeps(early.actions) == nil)
        #expect(early.next == .seconds(71))
        // Due at 35 + 60 = 95: only the reachable replica is fenced; b's report is still weighed.
        let due = p.plan(apps: [awake()], reports: reports, reachable: ["a"], now: .seconds(95))
        var attempt = try #require(sleeps(due.actions))
        #expect(attempt.start == .fence(endpoints: ["a"], ttl: .seconds(10)))
        #expect(attempt.fenced(["a": AppActivity(idle: .seconds(95))], now: .seconds(95)) == .scaleToZero(from: 1))
        #expect(attempt.outcome == nil)
    }

    @Test func aRequestSeenAtTheFenceAbortsAndUnfencesWithoutSleep() throws {
        var p = planner()
        let reports = ["a": report("a", at: 100, idle: 65), "b": report("b", at: 100, idle: 65)]
        let base = try #require(sleeps(p.plan(apps: [awake()], reports: reports, reachable: ["a", "b"], now: .seconds(100)).actions))
        var held = base
        #expect(held.fenced(["a": AppActivity(idle: .seconds(65)), "b": AppActivity(inFlight: 1, idle: .zero)],
                            now: .seconds(100)) == .unfence(endpoints: ["a", "b"], slept: false))
        guard case .aborted = held.outcome else { Issue.record("not aborted"); return }
        // A request that ended between the gather and the fence: idle again, but not for long.
        var ended = base
        #expect(ended.fenced(["a": AppActivity(idle: .seconds(65)), "b": AppActivity(idle: .milliseconds(20))],
                             now: .seconds(100)) == .unfence(endpoints: ["a", "b"], slept: false))
        // Answers that took more than half the fence's TTL: too little of it left for the scale-down.
        var slow = base
        #expect(slow.fenced(["a": AppActivity(idle: .seconds(71)), "b": AppActivity(idle: .seconds(71))],
                            sentAt: .seconds(100), now: .seconds(106)) == .unfence(endpoints: ["a", "b"], slept: false))
        var quick = base
        #expect(quick.fenced(["a": AppActivity(idle: .seconds(65)), "b": AppActivity(idle: .seconds(65))],
                             sentAt: .seconds(100), now: .milliseconds(100_040)) == .scaleToZero(from: 1))
        // A replica that does not answer may be serving unfenced.
        var silent = base
        #expect(silent.fenced(["a": AppActivity(idle: .seconds(65)), "b": AppActivity?.none],
                              now: .seconds(100)) == .unfence(endpoints: ["a", "b"], slept: false))
    }

    @Test func aWakeBetweenDecisionAndScaleWins() throws {
        var p = planner()
        let reports = ["a": report("a", at: 100, idle: 65)]
        var attempt = try #require(sleeps(p.plan(apps: [awake(replicas: 2, max: 2)], reports: reports, reachable: ["a"],
                                                 now: .seconds(100)).actions))
        #expect(attempt.fenced(["a": AppActivity(idle: .seconds(65))], now: .seconds(100)) == .scaleToZero(from: 2))
        // The patch's `test /spec/replicas == 2` failed: someone changed the count.
        #expect(attempt.scaled(false) == .unfence(endpoints: ["a"], slept: false))
        guard case .aborted = attempt.outcome else { Issue.record("not aborted"); return }
        p.finished(attempt, now: .seconds(101))
        #expect(p.awakeSince(app) == .zero, "still awake as far as the planner knows")
    }

    @Test func idlenessCountsFromTheWakeOrTheTermStart() {
        var p = SleepPlanner(termStart: .seconds(10))
        p.observe(app: app, replicas: 1, now: .seconds(5))
        #expect(p.awakeSince(app) == .seconds(10), "seen before the term: the term's start")
        p.observe(app: app, replicas: 0, now: .seconds(20))
        p.observe(app: app, replicas: 1, now: .seconds(30))
        #expect(p.awakeSince(app) == .seconds(30))
        let plan = p.plan(apps: [awake()], reports: [:], reachable: [], now: .seconds(80))
        #expect(sleeps(plan.actions) == nil && plan.next == .seconds(81))
        let due = p.plan(apps: [awake()], reports: [:], reachable: [], now: .seconds(90))
        #expect(sleeps(due.actions) != nil)
    }

    @Test func targetConcurrencyScalesUpAtOnceAndDownAfterTheWindow() {
        var p = planner()
        func plan(_ replicas: Int, inFlight: (Int, Int), at t: Int) -> [SleepAction] {
            let reports = ["a": report("a", at: t, inFlight: inFlight.0, idle: 0), "b": report("b", at: t, inFlight: inFlight.1, idle: 0)]
            return p.plan(apps: [awake(replicas: replicas, min: 1, max: 5, target: 10)], reports: reports, reachable: ["a", "b"],
                          now: .seconds(t)).actions.filter { if case .scale = $0 { true } else { false } }
        }
        #expect(plan(1, inFlight: (20, 15), at: 100) == [.scale(app: app, from: 1, to: 4)])
        #expect(plan(4, inFlight: (30, 40), at: 101) == [.scale(app: app, from: 4, to: 5)], "capped at max")
        #expect(plan(5, inFlight: (3, 2), at: 102) == [])
        #expect(plan(5, inFlight: (12, 2), at: 120) == [], "below since 102; wants 2 now")
        #expect(plan(5, inFlight: (0, 0), at: 131) == [])
        #expect(plan(5, inFlight: (0, 0), at: 132) == [.scale(app: app, from: 5, to: 2)], "the highest wanted in the window")
        // Back at the count: the window starts again.
        #expect(plan(2, inFlight: (10, 10), at: 140) == [])
        #expect(plan(2, inFlight: (1, 0), at: 150) == [])
        #expect(plan(2, inFlight: (10, 5), at: 160) == [], "at or above the count again: window reset")
        #expect(plan(2, inFlight: (1, 0), at: 170) == [])
        #expect(plan(2, inFlight: (1, 0), at: 199) == [])
        #expect(plan(2, inFlight: (1, 0), at: 200) == [.scale(app: app, from: 2, to: 1)])
    }

    @Test func anHPALeavesReplicasAboveZeroAloneButTheAppStillSleeps() throws {
        var p = planner()
        let busy = ["a": report("a", at: 100, inFlight: 500, idle: 0)]
        let plan = p.plan(apps: [awake(replicas: 2, min: 1, max: 5, target: 10, autoscaled: true)], reports: busy,
                          reachable: ["a"], now: .seconds(100))
        #expect(plan.actions.allSatisfy { if case .scale = $0 { false } else { true } })
        let idle = ["a": report("a", at: 200, idle: 90)]
        let later = p.plan(apps: [awake(replicas: 7, min: 1, max: 5, target: 10, autoscaled: true)], reports: idle,
                           reachable: ["a"], now: .seconds(200))
        #expect(try #require(sleeps(later.actions)).replicas == 7)
    }

    @Test func lastActivityIsWrittenAtMostOnceAMinuteWhileAwake() {
        var p = planner()
        func writes(at t: Int, idle: Int, recorded: Int?) -> [SleepAction] {
            var a = awake(scaleToZero: false)
            a.recordedActivity = recorded.map { .seconds($0) }
            return p.plan(apps: [a], reports: ["a": report("a", at: t, idle: idle)], reachable: ["a"], now: .seconds(t))
                .actions.filter { if case .recordActivity = $0 { true } else { false } }
        }
        #expect(writes(at: 100, idle: 2, recorded: nil) == [.recordActivity(app: app, at: .seconds(98))])
        #expect(writes(at: 101, idle: 0, recorded: 98) == [], "a minute has not passed")
        #expect(writes(at: 159, idle: 0, recorded: 98) == [])
        #expect(writes(at: 160, idle: 0, recorded: 98) == [.recordActivity(app: app, at: .seconds(160))])
        #expect(writes(at: 300, idle: 140, recorded: 160) == [], "no new activity, no write")
    }

    @Test func desiredReplicasFollowInFlightWithinTheRange() {
        let a = awake(min: 2, max: 6, target: 50)
        #expect(SleepPlanner.desiredReplicas(inFlight: 0, a) == 2)
        #expect(SleepPlanner.desiredReplicas(inFlight: 101, a) == 3)
        #expect(SleepPlanner.desiredReplicas(inFlight: 10_000, a) == 6)
    }

    @Test func aReplicaThatDoesNotRouteTheAppOnlyCountsItsInFlight() throws {
        var p = planner()
        // b's report has no entry for the App: it answers the fence with zeros (idleMillis 0).
        let reports = ["a": report("a", at: 100, idle: 65),
                       "b": ReplicaReport(replica: "b", fetchedAt: .seconds(100), apps: [:])]
        let base = try #require(sleeps(p.plan(apps: [awake()], reports: reports, reachable: ["a", "b"], now: .seconds(100)).actions))
        #expect(base.unknownTo == ["b"])
        var attempt = base
        #expect(attempt.fenced(["a": AppActivity(idle: .seconds(65)), "b": AppActivity(idle: .zero)], now: .seconds(100))
                == .scaleToZero(from: 1))
        var held = base
        #expect(held.fenced(["a": AppActivity(idle: .seconds(65)), "b": AppActivity(inFlight: 1, idle: .zero)], now: .seconds(100))
                == .unfence(endpoints: ["a", "b"], slept: false))
    }

    @Test func abortedAttemptsBackOffUntilActivityIsSeen() throws {
        var p = planner()
        let idle = ["a": report("a", at: 100, idle: 65)]
        func attempt(at t: Int) -> SleepAttempt? {
            sleeps(p.plan(apps: [awake()], reports: ["a": report("a", at: t, idle: t - 35)], reachable: ["a"], now: .seconds(t)).actions)
        }
        var a = try #require(sleeps(p.plan(apps: [awake()], reports: idle, reachable: ["a"], now: .seconds(100)).actions))
        _ = a.fenced(["a": AppActivity?.none], now: .seconds(100))
        p.finished(a, now: .seconds(100))
        #expect(attempt(at: 100) == nil)
        var b = try #require(attempt(at: 101), "first retry after one interval")
        _ = b.fenced(["a": AppActivity?.none], now: .seconds(101))
        p.finished(b, now: .seconds(101))
        #expect(attempt(at: 102) == nil)
        #expect(attempt(at: 103) != nil, "then after two")
        // Activity: the backoff is forgotten.
        _ = p.plan(apps: [awake()], reports: ["a": report("a", at: 104, idle: 0)], reachable: ["a"], now: .seconds(104))
        #expect(attempt(at: 200) != nil)
    }
}
