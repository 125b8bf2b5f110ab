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
        #expect(m.connectFailed(1, on: "a", now: .seconds(1)) == [.armTimer(at: .seconds(11)), .scaleUp, .startProbing("a")])
        #expect(m.heldCount == 1)
        #expect(m.endpointsObserved(ready: ["c"], starting: []) == [.stopProbing("a"), .forward(1, to: "c")])
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
        _ = m.requestArrived(1, now: .zero)
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

@Suite struct WakeMachineFenceTests {
    typealias M = WakeMachine<Int, String>
    let cfg = M.Config(queueCapacity: 10, startupTimeout: .seconds(10), admitPerBackend: 2)

    func awake() -> M {
        var m = M(config: cfg)
        _ = m.endpointsObserved(ready: ["a"], starting: [])
        return m
    }

    @Test func fencedRequestsAreHeldWithoutWakingAndReleasedOnUnfence() {
        var m = awake()
        #expect(m.fence(until: .seconds(10)) == [.armTimer(at: .seconds(10))])
        #expect(m.divertsRequests)
        #expect(m.requestArrived(1, now: .seconds(1)) == [.armTimer(at: .seconds(11))], "held: no forward, no scale")
        #expect(m.requestArrived(2, now: .seconds(1)) == [])
        #expect(m.unfence() == [.forward(1, to: "a"), .forward(2, to: "a")])
        #expect(!m.divertsRequests)
        #expect(m.wakeCount == 0)
    }

    @Test func unfenceAfterSleepWakesWhenTheEndpointsAreGone() {
        var m = awake()
        _ = m.fence(until: .seconds(10))
        _ = m.requestArrived(1, now: .seconds(1))
        // The shell removes the endpoints known at fence time before unfencing (slept: true).
        #expect(m.endpointsObserved(ready: [], starting: []) == [], "still fenced: no wake yet")
        #expect(m.unfence() == [.scaleUp])
        #expect(m.wakeCount == 1)
        #expect(m.endpointsObserved(ready: [], starting: ["b"]) == [.startProbing("b")])
        #expect(m.probeSucceeded("b") == [.stopProbing("b"), .forward(1, to: "b")])
    }

    @Test func aFenceEndsByItselfAtItsDeadline() {
        var m = awake()
        _ = m.fence(until: .seconds(5))
        _ = m.requestArrived(1, now: .seconds(1))
        #expect(m.tick(now: .seconds(4)) == [.armTimer(at: .seconds(5)), .armTimer(at: .seconds(11))])
        #expect(m.isFenced)
        #expect(m.tick(now: .seconds(5)) == [.forward(1, to: "a")])
        #expect(!m.isFenced)
    }

    @Test func cancelledRequestsLeaveTheQueue() {
        var m = M(config: cfg)
        _ = m.requestArrived(1, now: .zero)
        _ = m.requestArrived(2, now: .zero)
        _ = m.requestCancelled(1)
        #expect(m.heldCount == 1)
        _ = m.requestCancelled(1)
        #expect(m.heldCount == 1, "cancelling twice changes nothing")
        #expect(m.endpointsObserved(ready: ["a"], starting: []) == [.forward(2, to: "a")])
    }

    @Test func endpointsVanishingUnderHeldRequestsWakeAgain() {
        var m = M(config: M.Config(queueCapacity: 10, startupTimeout: .seconds(10), admitPerBackend: 1))
        _ = m.endpointsObserved(ready: ["a"], starting: [])
        #expect(m.requestArrived(1, now: .zero) == [.forward(1, to: "a")])
        _ = m.requestArrived(2, now: .zero)  // waits for admission
        #expect(m.endpointsObserved(ready: [], starting: []) == [.scaleUp])
    }
}

@Suite struct EndpointExclusionsTests {
    @Test func anExclusionEndsWhenItsPodLeavesTheSlices() {
        var x = EndpointExclusions<String>()
        x.exclude(["10.0.0.1:80": "web-1", "10.0.0.2:80": "web-2"], now: .zero)
        #expect(x.contains("10.0.0.1:80") && x.contains("10.0.0.2:80"))
        // web-1 is still terminating; web-2's address now belongs to a new pod.
        let changed1 = x.expire(present: ["10.0.0.1:80": "web-1", "10.0.0.2:80": "web-3"], now: .seconds(1))
        #expect(changed1)
        #expect(x.endpoints == ["10.0.0.1:80"])
        let changed2 = x.expire(present: ["10.0.0.1:80": "web-1"], now: .seconds(2))
        #expect(!changed2)
        let changed3 = x.expire(present: [:], now: .seconds(3))
        #expect(changed3)
        #expect(x.isEmpty)
    }

    @Test func anExclusionEndsAfterTwoMinutesAtMost() {
        var x = EndpointExclusions<String>()
        x.exclude(["a": "p"], now: .seconds(10))
        #expect(x.nextExpiry == .seconds(130))
        let early = x.expire(present: ["a": "p"], now: .seconds(129))
        #expect(!early)
        let late = x.expire(present: ["a": "p"], now: .seconds(130))
        #expect(late)
    }
}

@Suite struct FenceRequestTests {
    func parse(_ path: String, _ body: String) -> Result<FenceRequest, FenceRequestError> {
        FenceRequest.parse(path: path, body: Array(body.utf8))
    }

    @Test func parsesFenceAndUnfence() {
        #expect(parse("/fence", #"{"app":"team/web","ttlMillis":10000}"#) == .success(.fence(app: "team/web", ttl: .seconds(10))))
        #expect(parse("/fence", #"{"app":"team/web","ttlMillis":99999999}"#) == .success(.fence(app: "team/web", ttl: FenceRequest.maxTTL)))
        #expect(parse("/unfence", #"{"app":"team/web","slept":true}"#) == .success(.unfence(app: "team/web", slept: true)))
    }

    @Test(arguments: [
        ("/fence", "nope", "expected a JSON object"),
        ("/fence", #"{"app":"web","ttlMillis":1}"#, #""app" must be "namespace/name""#),
        ("/fence", #"{"app":"a/b","ttlMillis":0}"#, #""ttlMillis" must be a positive integer"#),
        ("/unfence", #"{"app":"a/b"}"#, #""slept" must be true or false"#),
    ])
    func rejectsMalformedBodies(path: String, body: String, reason: String) {
        #expect(parse(path, body) == .failure(FenceRequestError(reason)))
    }
}

@Suite struct WakeMachineProbeTests {
    typealias M = WakeMachine<Int, String>

    @Test func probingRunsOnlyWhileRequestsWait() {
        var m = M(config: M.Config(queueCapacity: 10, startupTimeout: .seconds(10), admitPerBackend: 2))
        #expect(m.endpointsObserved(ready: [], starting: ["a"]) == [], "nobody waits: no probe")
        #expect(m.requestArrived(1, now: .zero) == [.armTimer(at: .seconds(10)), .scaleUp, .startProbing("a")])
        // The app never gets healthy: the request times out and probing stops with it.
        #expect(m.tick(now: .seconds(10)) == [.reject(1, .startupTimeout), .stopProbing("a")])
        _ = m.requestArrived(2, now: .seconds(11))
        #expect(m.requestCancelled(2) == [.stopProbing("a")])
    }
}

@Suite struct WakeMachineSuspectTests {
    typealias M = WakeMachine<Int, String>

    @Test func anEndpointThatFailedIsProbedAndComesBackWithoutASliceChange() {
        var m = M(config: M.Config(queueCapacity: 10, startupTimeout: .seconds(10), admitPerBackend: 2))
        _ = m.endpointsObserved(ready: ["a"], starting: [])
        _ = m.requestArrived(1, now: .zero)
        #expect(m.connectFailed(1, on: "a", now: .zero) == [.armTimer(at: .seconds(10)), .scaleUp, .startProbing("a")])
        // The same slice content again: "a" stays a suspect, still probed, not used.
        #expect(m.endpointsObserved(ready: ["a"], starting: []) == [])
        #expect(m.readyEndpoints.isEmpty)
        #expect(m.probeSucceeded("a") == [.stopProbing("a"), .forward(1, to: "a")])
        #expect(m.readyEndpoints == ["a"])
    }

    @Test func aSuspectThatLeavesTheSlicesIsForgotten() {
        var m = M(config: M.Config(queueCapacity: 10, startupTimeout: .seconds(10), admitPerBackend: 2))
        _ = m.endpointsObserved(ready: ["a"], starting: [])
        _ = m.requestArrived(1, now: .zero)
        _ = m.connectFailed(1, on: "a", now: .zero)
        #expect(m.endpointsObserved(ready: [], starting: []) == [.stopProbing("a")])
        // Back later (same address, a new pod): ready at once, no suspicion carried over.
        #expect(m.endpointsObserved(ready: ["a"], starting: []) == [.forward(1, to: "a")])
    }
}
