import DozeJSON
import Testing
@testable import KubeClient

/// The list-then-watch protocol, without I/O.
@Suite struct WatcherMachineTests {
    typealias Input = WatcherMachine.Input<ConfigMap>

    static func cm(_ name: String, _ rv: String) -> ConfigMap { ConfigMap(json: configMapJSON(name, rv: rv)) }
    static func gone() -> KubeError { KubeError.api(code: 410, body: Array(#"{"kind":"Status","code":410,"reason":"Expired"}"#.utf8)) }
    static func names(_ events: [WatcherEvent<ConfigMap>]) -> [String] {
        events.map {
            switch $0 {
            case .initStarted: return "initStarted"
            case .initApply(let o): return "initApply:\(o.name ?? "")"
            case .initDone: return "initDone"
            case .apply(let o): return "apply:\(o.name ?? "")"
            case .delete(let o): return "delete:\(o.name ?? "")"
            }
        }
    }

    @Test func pagedListThenWatchFromListRV() {
        var m = WatcherMachine(seed: 1)
        #expect(m.step(Input.start).command == .list(continueToken: nil))
        let p1 = m.step(Input.listed(ObjectList(items: [Self.cm("a", "5")], resourceVersion: "10", continueToken: "t1")))
        #expect(Self.names(p1.events) == ["initStarted", "initApply:a"])
        #expect(p1.command == .list(continueToken: "t1"))
        let p2 = m.step(Input.listed(ObjectList(items: [Self.cm("b", "7")], resourceVersion: "10")))
        #expect(Self.names(p2.events) == ["initApply:b", "initDone"])
        #expect(p2.command == .watch(resourceVersion: "10"))
    }

    @Test func eventsAndBookmarksAdvanceTheResourceVersion() {
        var m = WatcherMachine()
        _ = m.step(Input.start)
        _ = m.step(Input.listed(ObjectList(items: [], resourceVersion: "10")))
        let a = m.step(Input.event(.added(Self.cm("a", "11"))))
        #expect(Self.names(a.events) == ["apply:a"] && a.command == .readWatch)
        _ = m.step(Input.event(.bookmark(resourceVersion: "20")))
        #expect(m.resourceVersion == "20")
        let d = m.step(Input.event(.deleted(Self.cm("a", "21"))))
        #expect(Self.names(d.events) == ["delete:a"])
        // A clean end (timeoutSeconds) re-watches at once from the last revision.
        #expect(m.step(Input.watchEnded(events: 3, seconds: 0.1)).command == .watch(resourceVersion: "21"))
        #expect(m.step(Input.watchEnded(events: 0, seconds: 290)).command == .watch(resourceVersion: "21"))
        // Closed at once with nothing in it: back off rather than spin.
        guard case .sleep = m.step(Input.watchEnded(events: 0, seconds: 0.01)).command else {
            Issue.record("expected a sleep"); return
        }
        #expect(m.step(Input.slept).command == .watch(resourceVersion: "21"))
    }

    @Test func goneRelists() {
        var m = WatcherMachine()
        _ = m.step(Input.start)
        _ = m.step(Input.listed(ObjectList(items: [], resourceVersion: "10")))
        #expect(m.step(Input.event(.error(Self.gone()))).command == .list(continueToken: nil))
        _ = m.step(Input.listed(ObjectList(items: [], resourceVersion: "30")))
        #expect(m.step(Input.watchFailed(Self.gone())).command == .list(continueToken: nil))
        let relisted = m.step(Input.listed(ObjectList(items: [Self.cm("x", "31")], resourceVersion: "31")))
        #expect(Self.names(relisted.events) == ["initStarted", "initApply:x", "initDone"])
    }

    @Test func resourceVersionTooLargeRelists() throws {
        var m = WatcherMachine()
        _ = m.step(Input.start)
        _ = m.step(Input.listed(ObjectList(items: [], resourceVersion: "10")))
        let tooLarge = KubeError.api(code: 504, body: Array(#"""
            {"kind":"Status","code":504,"reason":"Timeout","message":"Too large resource version",
             "details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}]}}
            """#.utf8))
        #expect(tooLarge.isResourceVersionTooLarge && !tooLarge.isGone)
        #expect(m.step(Input.watchFailed(tooLarge)).command == .list(continueToken: nil))
    }

    @Test func expiredContinueTokenRestartsTheList() {
        var m = WatcherMachine()
        _ = m.step(Input.start)
        _ = m.step(Input.listed(ObjectList(items: [Self.cm("a", "1")], resourceVersion: "10", continueToken: "t")))
        #expect(m.step(Input.listFailed(Self.gone())).command == .list(continueToken: nil))
        let again = m.step(Input.listed(ObjectList(items: [Self.cm("a", "1")], resourceVersion: "12")))
        #expect(Self.names(again.events).first == "initStarted")
    }

    @Test func otherErrorsBackOffThenResumeFromLastRV() {
        var m = WatcherMachine(seed: 7)
        _ = m.step(Input.start)
        _ = m.step(Input.listed(ObjectList(items: [], resourceVersion: "10")))
        _ = m.step(Input.event(.modified(Self.cm("a", "15"))))
        var delays: [Double] = []
        for _ in 0..<8 {
            guard case .sleep(let d) = m.step(Input.watchFailed(KubeError.transport("reset"))).command else {
                Issue.record("expected a sleep"); return
            }
            delays.append(d)
            #expect(m.step(Input.slept).command == .watch(resourceVersion: "15"))
        }
        #expect(delays[0] >= 0.64 && delays[0] <= 0.96)  // 0.8 s ± 20%
        #expect(delays[1] >= 1.28 && delays[1] <= 1.92)
        #expect(delays.allSatisfy { $0 <= 30 })
        #expect(delays.last! >= 24)  // grown to the 30 s ceiling (less jitter)
        // Success resets the backoff.
        _ = m.step(Input.event(.bookmark(resourceVersion: "16")))
        guard case .sleep(let d) = m.step(Input.event(.error(KubeError.api(code: 500, body: [])))).command else {
            Issue.record("expected a sleep"); return
        }
        #expect(d <= 0.96)
        #expect(m.step(Input.slept).command == .watch(resourceVersion: "16"))
    }

    @Test func listErrorsBackOffThenRelist() {
        var m = WatcherMachine()
        _ = m.step(Input.start)
        guard case .sleep = m.step(Input.listFailed(KubeError.api(code: 403, body: []))).command else {
            Issue.record("expected a sleep"); return
        }
        #expect(m.step(Input.slept).command == .list(continueToken: nil))
    }
}
