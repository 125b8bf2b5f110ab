import Testing
import DozeJSON
@testable import LocalCluster

@Suite struct ProbeTests {
    let container: JSON = ["name": "web", "ports": [["name": "http", "containerPort": 8080]]]

    @Test func parsesWithKubeletDefaults() {
        let probe = Probe(["httpGet": ["path": "/healthz", "port": "http"]], container: container)
        #expect(probe?.action == .httpGet(scheme: "HTTP", host: nil, port: 8080, path: "/healthz", headers: []))
        #expect(probe?.periodSeconds == 10)
        #expect(probe?.timeoutSeconds == 1)
        #expect(probe?.successThreshold == 1)
        #expect(probe?.failureThreshold == 3)
        #expect(probe?.initialDelaySeconds == 0)
        #expect(Probe(.null, container: container) == nil)
    }

    @Test func resolvesPortsByNumberNumericStringOrName() {
        #expect(Probe.resolvePort(9000, container: container) == 9000)
        #expect(Probe.resolvePort("9001", container: container) == 9001)
        #expect(Probe.resolvePort("http", container: container) == 8080)
        #expect(Probe.resolvePort("grpc", container: container) == nil)
        let tcp = Probe(["tcpSocket": ["port": "grpc"]], container: container)
        guard case .unsupported? = tcp?.action else { Issue.record("unresolved port must not probe"); return }
    }

    /// Feeds outcomes (true = success) and returns, for each, whether the verdict flipped.
    func feed(_ t: inout ProbeTracker, _ outcomes: [Bool]) -> [Bool] {
        outcomes.map { t.record($0 ? .success : .failure("failed")) }
    }

    @Test func readinessNeedsSuccessThresholdInARow() {
        var probe = Probe(action: .tcpSocket(host: nil, port: 1))
        probe.successThreshold = 2
        probe.failureThreshold = 2
        var t = ProbeTracker(kind: .readiness, probe: probe)
        #expect(!t.passing)
        #expect(feed(&t, [true, false, true, true]) == [false, false, false, true])
        #expect(t.passing)
        #expect(feed(&t, [false, false]) == [false, true])
        #expect(!t.passing)
        #expect(t.lastFailure == "failed")
    }

    @Test func livenessStartsPassingAndFailsAfterThreshold() {
        var t = ProbeTracker(kind: .liveness, probe: Probe(action: .exec(["true"])))
        #expect(t.passing)
        #expect(feed(&t, [false, false, true, false, false, false]) == [false, false, false, false, false, true])
        #expect(!t.passing)
    }

    @Test func startupIsUnknownUntilDecided() {
        var t = ProbeTracker(kind: .startup, probe: Probe(action: .exec(["true"])))
        #expect(t.verdict == nil)
        #expect(feed(&t, [false, false, false]) == [false, false, true])
        #expect(t.verdict == false)
        var s = ProbeTracker(kind: .startup, probe: Probe(action: .exec(["true"])))
        #expect(feed(&s, [true]) == [true])
        #expect(s.verdict == true)
    }

    @Test func scheduleFollowsKubeletTicks() {
        var probe = Probe(action: .exec(["true"]))
        probe.periodSeconds = 10
        let immediate = ProbeTracker(kind: .readiness, probe: probe)
        #expect([0, 1, 2].map(immediate.dueOffset) == [0, 10, 20])
        probe.initialDelaySeconds = 5
        let delayed = ProbeTracker(kind: .readiness, probe: probe)
        #expect([0, 1].map(delayed.dueOffset) == [10, 20])
        probe.initialDelaySeconds = 20
        #expect(ProbeTracker(kind: .readiness, probe: probe).dueOffset(attempt: 0) == 20)
    }

    @Test func httpProbeAgainstNothingFailsFast() {
        let outcome = ProbeExecutor.httpGet(host: "127.0.0.1", port: 1, path: "/", headers: [], timeout: 1)
        guard case .failure(let message) = outcome else { Issue.record("expected failure"); return }
        #expect(message == "Get \"http://127.0.0.1:1/\": dial tcp 127.0.0.1:1: connect: connection refused")
    }

    @Test func execProbeUsesExitCode() async {
        #expect(await ProbeExecutor.exec(["true"], env: [], timeout: 2) == .success)
        let failed = await ProbeExecutor.exec(["sh", "-c", "echo nope; exit 3"], env: ["PATH=/usr/bin:/bin"], timeout: 2)
        #expect(failed == .failure("command [\"sh\", \"-c\", \"echo nope; exit 3\"] exited with 3: nope"))
    }
}
