import Testing
@testable import Proxy

@Suite struct WakeMachineTests {
    typealias M = WakeMachine<Int, String>
    let cfg = M.Config(queueCapacity: 3, startupTimeout: .seconds(10), admitPerBackend: 2)

    @Test func firstHeldRequestWakesOnceAndArmsTheTimer() {
        var m = M(config: cfg)
        #expect(m.requestArrived(1, now: .seconds(0)) == [.armTimer(at: .seconds(10)), .scaleUp])
        #expect(m.requestArrived(2, now: .seconds(1)) == [])
        #expect(m.wakeCount == 1)
        #expect(m.heldCount == 2)
    }

    @Test func fullQueueRejects() {
        var m = M(config: cfg)
        for i in 1...3 { _ = m.requestArrived(i, now: .zero) }
        #expect(m.requestArrived(4, now: .zero) == [.reject(4, .queueFull)])
    }

    @Test func startingEndpointsAreProbedAndReleaseOnFirstHealthyAnswer() {
        var m = M(config: cfg)
        for i in 1...3 { _ = m.requestArrived(i, now: .zero) }
        #expect(m.endpointsObserved(ready: [], starting: ["a", "b"]) == [.startProbing("a"), .startProbing("b")])
        // "a" answers its health path before the EndpointSlice says so: forward at once, 2 at a time.
        #expect(m.probeSucceeded("a") == [.stopProbing("a"), .forward(1, to: "a"), .forward(2, to: "a")])
        #expect(m.heldCount == 1)
        // The slice catches up; "b" too is ready now: the last held request goes to b.
        #expect(m.endpointsObserved(ready: ["a", "b"], starting: []) == [.stopProbing("b"), .forward(3, to: "b")])
        #expect(!m.isWaking)
    }

    @Test func admissionReleasesMoreAsRequestsFinish() {
        var m = M(config: M.Config(queueCapacity: 10, startupTimeout: .seconds(10), admitPerBackend: 1))
        for i in 1...3 { _ = m.requestArrived(i, now: .zero) }
        #expect(m.endpointsObserved(ready: ["a"], starting: []) == [.forward(1, to: "a")])
        #expect(m.requestArrived(4, now: .zero) == [])  // queued behind the held ones
        #expect(m.requestFinished(on: "a") == [.forward(2, to: "a")])
        #expect(m.requestFinished(on: "a") == [.forward(3, to: "a")])
        #expect(m.requestFinished(on: "a") == [.forward(4, to: "a")])
    }

    @Test func heldRequestsTimeOutWith503AndTheNextRequestWakesAgain() {
        var m = M(config: cfg)
        _ = m.requestArrived(1, now: .seconds(0))
        _ = m.requestArrived(2, now: .seconds(4))
        #expect(m.tick(now: .seconds(10)) == [.reject(1, .startupTimeout), .armTimer(at: .seconds(14))])
        #expect(m.tick(now: .seconds(14)) == [.reject(2, .startupTimeout)])
        #expect(m.requestArrived(3, now: .seconds(20)) == [.armTimer(at: .seconds(30)), .scaleUp])
        #expect(m.wakeCount == 2)
    }

    @Test func connectFailureBeforeSendingIsHeldNot502() {
        var m = M(config: cfg)
        _ = m.endpointsObserved(ready: ["a"], starting: [])
        #expect(m.requestArrived(1, now: .zero) == [.forward(1, to: "a")])
        // The pod was terminating (scaled to zero meanwhile): hold and wake again.
        #expect(m.connectFailed(1, on: "a", now: .seconds(1)) == [.armTimer(at: .seconds(11)), .scaleUp])
        #expect(m.heldCount == 1)
        #expect(m.endpointsObserved(ready: ["c"], starting: []) == [.forward(1, to: "c")])
    }

    @Test func terminatingEndpointsGetNothing() {
        var m = M(config: cfg)
        _ = m.endpointsObserved(ready: ["a"], starting: [])
        // Scale to zero: the slice lists "a" as terminating, so it is in neither set.
        _ = m.endpointsObserved(ready: [], starting: [])
        #expect(m.requestArrived(1, now: .zero) == [.armTimer(at: .seconds(10)), .scaleUp])
    }

    @Test func probedReadyEndpointStaysReadyUntilTheSliceDropsIt() {
        var m = M(config: cfg)
        _ = m.endpointsObserved(ready: [], starting: ["a"])
        _ = m.probeSucceeded("a")
        _ = m.endpointsObserved(ready: [], starting: ["a"])  // slice not caught up yet
        #expect(m.readyEndpoints == ["a"])
        _ = m.endpointsObserved(ready: [], starting: [])     // gone
        #expect(m.readyEndpoints.isEmpty)
    }

    @Test func manyRequestsOneWake() {
        var m = M(config: M.Config(queueCapacity: 1000, startupTimeout: .seconds(10), admitPerBackend: 8))
        var scaleUps = 0
        for i in 0..<500 { scaleUps += m.requestArrived(i, now: .zero).filter { $0 == .scaleUp }.count }
        #expect(scaleUps == 1)
        let released = m.endpointsObserved(ready: ["a", "b"], starting: [])
        #expect(released.count == 16)
        var forwarded = released.count
        var step = 0
        while m.heldCount > 0 && step < 1000 {
            forwarded += m.requestFinished(on: step % 2 == 0 ? "a" : "b").count
            step += 1
        }
        #expect(forwarded == 500)
    }
}
