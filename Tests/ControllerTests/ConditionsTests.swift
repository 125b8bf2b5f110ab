import DozeJSON
import Testing
@testable import Controller

@Suite struct ConditionsTests {
    let deps = ["SpecValid", "RouteAdmitted", "ResourcesReady"]

    @Test func readyIsTrueOnlyWhenAllDependentsAre() {
        var s = ConditionSet(dependents: deps)
        s.set("SpecValid", .true, reason: "Valid", generation: 1, now: "t1")
        #expect(s["Ready"]?.status == .unknown)
        #expect(s["Ready"]?.message == "waiting for RouteAdmitted")
        s.set("RouteAdmitted", .true, reason: "Admitted", generation: 1, now: "t1")
        s.set("ResourcesReady", .true, reason: "Converged", generation: 1, now: "t2")
        #expect(s["Ready"]?.status == .true)
        #expect(s["Ready"]?.lastTransitionTime == "t2")
    }

    @Test func readyCarriesTheFirstFailure() {
        var s = ConditionSet(dependents: deps)
        s.set("SpecValid", .false, reason: "InvalidSpec", message: "spec.port: must be 1-65535", generation: 2, now: "t")
        s.set("RouteAdmitted", .false, reason: "RouteConflict", message: "clash", generation: 2, now: "t")
        #expect(s["Ready"] == Condition(type: "Ready", status: .false, reason: "InvalidSpec",
                                        message: "spec.port: must be 1-65535", observedGeneration: 2,
                                        lastTransitionTime: "t"))
    }

    @Test func transitionTimeMovesOnlyOnStatusChange() {
        var s = ConditionSet(dependents: ["A"])
        s.set("A", .true, reason: "X", generation: 1, now: "t1")
        s.set("A", .true, reason: "Y", message: "new message", generation: 2, now: "t2")
        #expect(s["A"]?.lastTransitionTime == "t1")
        #expect(s["A"]?.reason == "Y")
        #expect(s["Ready"]?.lastTransitionTime == "t1")
        s.set("A", .false, reason: "Z", generation: 3, now: "t3")
        #expect(s["A"]?.lastTransitionTime == "t3")
        #expect(s["Ready"]?.lastTransitionTime == "t3")
    }

    @Test func jsonRoundTripAndOrder() {
        var s = ConditionSet(dependents: ["B", "A"])
        s.set("A", .true, reason: "ok", generation: 1, now: "t")
        s.set("B", .true, reason: "ok", generation: 1, now: "t")
        let types = (s.json.array ?? []).map { $0["type"].string }
        #expect(types == ["Ready", "B", "A"])
        let back = ConditionSet(dependents: ["B", "A"], existing: ConditionSet.parse(s.json))
        #expect(back.json == s.json)
    }
}
