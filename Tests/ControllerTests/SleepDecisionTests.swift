import Testing
@testable import Controller

@Suite struct SleepDecisionTests {
    let policy = SleepPolicy(idleTimeout: .seconds(60), reportLifetime: .seconds(120))
    func report(_ name: String, at t: Int, _ apps: [String: AppActivity]) -> ReplicaReport {
        ReplicaReport(replica: name, fetchedAt: .seconds(t), apps: apps)
    }

    @Test func sleepsWhenEveryReplicaIsIdleLongEnough() {
        let reports = [report("p1", at: 100, ["a": AppActivity(idle: .seconds(70))]),
                       report("p2", at: 100, ["a": AppActivity(idle: .seconds(65))])]
        #expect(SleepDecider.decide(app: "a", policy: policy, awakeSince: .seconds(0), now: .seconds(100),
                                    reports: reports) == .sleep)
    }

    @Test func theMostRecentActivityOnAnyReplicaWins() {
        let reports = [report("p1", at: 100, ["a": AppActivity(idle: .seconds(90))]),
                       report("p2", at: 100, ["a": AppActivity(idle: .seconds(20))])]
        #expect(SleepDecider.decide(app: "a", policy: policy, awakeSince: .zero, now: .seconds(100),
                                    reports: reports) == .stayAwake(recheckAfter: .seconds(40)))
    }

    @Test func anInFlightRequestKeepsItAwake() {
        let reports = [report("p1", at: 100, ["a": AppActivity(inFlight: 1, idle: .seconds(600))])]
        guard case .stayAwake = SleepDecider.decide(app: "a", policy: policy, awakeSince: .zero,
                                                     now: .seconds(100), reports: reports) else {
            Issue.record("slept with a request in flight"); return
        }
    }

    @Test func anUnreachableReplicaKeepsItsLastReportForAWhile() {
        // p2 was last reached at t=90 and had just served a request; p1 is fresh and idle.
        let reports = [report("p1", at: 130, ["a": AppActivity(idle: .seconds(200))]),
                       report("p2", at: 90, ["a": AppActivity(idle: .seconds(5))])]
        #expect(SleepDecider.decide(app: "a", policy: policy, awakeSince: .zero, now: .seconds(130),
                                    reports: reports) == .stayAwake(recheckAfter: .seconds(15)))
        // Long gone: its report no longer counts, not even its in-flight count.
        let old = [report("p1", at: 400, ["a": AppActivity(idle: .seconds(300))]),
                   report("p2", at: 90, ["a": AppActivity(inFlight: 3, idle: .zero)])]
        #expect(SleepDecider.decide(app: "a", policy: policy, awakeSince: .zero, now: .seconds(400),
                                    reports: old) == .sleep)
    }

    @Test func aFreshWakeIsNotUndoneBeforeItsTimeout() {
        // No proxy has seen the App since it was woken at t=50.
        #expect(SleepDecider.decide(app: "a", policy: policy, awakeSince: .seconds(50), now: .seconds(80),
                                    reports: [report("p1", at: 80, [:])]) == .stayAwake(recheckAfter: .seconds(30)))
        #expect(SleepDecider.decide(app: "a", policy: policy, awakeSince: .seconds(50), now: .seconds(110),
                                    reports: []) == .sleep)
    }
}
