import Testing
@testable import Controller

@Suite struct LeaderElectionTests {
    let me = LeaderElectionConfig(identity: "b", leaseDuration: .seconds(15))

    @Test func takesAFreeLease() {
        #expect(LeaderElector.decide(current: nil, observedAt: .zero, now: .zero, wallNow: "T", config: me)
                == .write(LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: "T", renewTime: "T")))
        let released = LeaseRecord(holderIdentity: "", leaseDurationSeconds: 15, leaseTransitions: 3)
        #expect(LeaderElector.decide(current: released, observedAt: .zero, now: .zero, wallNow: "T", config: me)
                == .write(LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: "T",
                                      renewTime: "T", leaseTransitions: 4)))
    }

    @Test func followsALiveLeaderWhateverItsClockSays() {
        // The leader's renewTime is far in the past by our wall clock, but we saw the record change 5 s ago.
        let theirs = LeaseRecord(holderIdentity: "a", leaseDurationSeconds: 15, renewTime: "2000-01-01T00:00:00.000000Z")
        #expect(LeaderElector.decide(current: theirs, observedAt: .seconds(100), now: .seconds(105), wallNow: "T",
                                     config: me) == .follow(leader: "a"))
    }

    @Test func takesOverAfterTheLeaseDurationWithoutChange() {
        let theirs = LeaseRecord(holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: "A", renewTime: "R",
                                 leaseTransitions: 1)
        #expect(LeaderElector.decide(current: theirs, observedAt: .seconds(100), now: .seconds(115), wallNow: "T",
                                     config: me)
                == .write(LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: "T",
                                      renewTime: "T", leaseTransitions: 2)))
    }

    @Test func renewsItsOwnLeaseKeepingAcquireTime() {
        let mine = LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: "A", renewTime: "R",
                               leaseTransitions: 2)
        #expect(LeaderElector.decide(current: mine, observedAt: .zero, now: .seconds(999), wallNow: "T", config: me)
                == .write(LeaseRecord(holderIdentity: "b", leaseDurationSeconds: 15, acquireTime: "A",
                                      renewTime: "T", leaseTransitions: 2)))
    }

    @Test func stepsDownPastTheRenewDeadline() {
        #expect(!LeaderElector.mustStepDown(lastRenew: .seconds(10), now: .seconds(19), config: me))
        #expect(LeaderElector.mustStepDown(lastRenew: .seconds(10), now: .seconds(20), config: me))
    }
}
