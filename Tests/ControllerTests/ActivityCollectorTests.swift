import DozeJSON
import Testing
@testable import Controller

@Suite struct ActivityCollectorTests {
    @Test func parsesTheProxyReport() throws {
        let body = try JSON(parsing: #"{"replica":"p1","apps":{"ns/a":{"inFlight":2,"openTunnels":1,"idleMillis":1500}}}"#)
        let r = try #require(ActivityCollector.parse(body, fetchedAt: .seconds(9)))
        #expect(r == ReplicaReport(replica: "p1", fetchedAt: .seconds(9),
                                   apps: ["ns/a": AppActivity(inFlight: 2, idle: .milliseconds(1500), openTunnels: 1)]))
        #expect(ActivityCollector.parse(["nope": 1], fetchedAt: .zero) == nil)
    }

    @Test func keepsUnreachableReplicasUntilTheyAgeOut() {
        var c = ActivityCollector()
        c.record(ReplicaReport(replica: "p1", fetchedAt: .seconds(10), apps: [:]), from: "10.0.0.1:9090")
        c.record(ReplicaReport(replica: "p2", fetchedAt: .seconds(50), apps: [:]), from: "10.0.0.2:9090")
        c.prune(keeping: ["10.0.0.2:9090"], now: .seconds(60), lifetime: .seconds(120))
        #expect(c.all.map(\.replica) == ["p1", "p2"])
        c.prune(keeping: ["10.0.0.2:9090"], now: .seconds(200), lifetime: .seconds(120))
        #expect(c.all.map(\.replica) == ["p2"])
    }
}
