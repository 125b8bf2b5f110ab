import DozeJSON
import Synchronization
import Testing
@testable import Proxy

@Suite struct ActivityTrackerTests {
    final class FakeClock: Sendable {
        let nanos = Atomic<Int64>(0)
        func advance(ms: Int64) { nanos.add(ms * 1_000_000, ordering: .relaxed) }
    }

    @Test func reportsInFlightTunnelsAndIdleTime() {
        let clock = FakeClock()
        let t = ActivityTracker(replica: "p1") { clock.nanos.load(ordering: .relaxed) }
        let a = t.cell(for: "team/a")
        a.requestStarted(now: t.now)
        clock.advance(ms: 250)
        #expect(t.report()["apps"]["team/a"] == ["inFlight": 1, "openTunnels": 0, "idleMillis": 250])
        a.requestFinished(now: t.now)
        a.tunnelOpened(now: t.now)
        clock.advance(ms: 1000)
        a.tunnelTraffic(now: t.now)
        clock.advance(ms: 40)
        #expect(t.report() == ["replica": "p1",
                               "apps": ["team/a": ["inFlight": 0, "openTunnels": 1, "idleMillis": 40]]])
        #expect(t.cell(for: "team/a") === a)
    }

    @Test func countersHoldUnderConcurrentLoops() async {
        let t = ActivityTracker(replica: "p")
        let cell = t.cell(for: "x/y")
        await withTaskGroup(of: Void.self) { g in
            for _ in 0..<4 {
                g.addTask {
                    for _ in 0..<10_000 { cell.requestStarted(now: t.now); cell.requestFinished(now: t.now) }
                }
            }
        }
        #expect(t.report()["apps"]["x/y"]["inFlight"] == 0)
    }
}
