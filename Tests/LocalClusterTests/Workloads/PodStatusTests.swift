import Foundation
import Testing
import DozeJSON
@testable import LocalCluster

@Suite struct PodStatusBuilderTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func container(_ state: ContainerRunState.State, ready: Bool = false, last: ContainerRunState.State? = nil) -> ContainerRunState {
        var c = ContainerRunState(name: "web", image: "python")
        c.state = state
        c.started = state.isRunning
        c.probeReady = ready
        c.lastState = last
        return c
    }

    func phase(_ policy: String, _ c: ContainerRunState) -> String {
        PodStatusBuilder(restartPolicy: policy, podIP: "127.1.0.1", hostIP: "127.0.0.1", startTime: t0, containers: [c]).phase()
    }

    @Test func phasesFollowKubelet() {
        let done = ContainerRunState.State.terminated(exitCode: 0, signal: nil, reason: "Completed", message: nil, startedAt: t0, finishedAt: t0)
        let failed = ContainerRunState.State.terminated(exitCode: 1, signal: nil, reason: "Error", message: nil, startedAt: t0, finishedAt: t0)
        #expect(phase("Always", container(.waiting(reason: "ImageNotRunnable", message: nil))) == "Pending")
        #expect(phase("Always", container(.running(startedAt: t0))) == "Running")
        #expect(phase("Never", container(done)) == "Succeeded")
        #expect(phase("Never", container(failed)) == "Failed")
        #expect(phase("OnFailure", container(failed)) == "Running")
        #expect(phase("Always", container(.waiting(reason: "CrashLoopBackOff", message: nil), last: failed)) == "Running")
    }

    @Test func readyPodHasKubeletsShape() {
        let b = PodStatusBuilder(restartPolicy: "Always", podIP: "127.1.0.4", hostIP: "127.0.0.1", startTime: t0,
                                 containers: [container(.running(startedAt: t0), ready: true)])
        let s = b.build(previous: .emptyObject, now: t0)
        #expect(s["phase"] == "Running")
        #expect(s["podIP"] == "127.1.0.4")
        #expect(s["podIPs"] == [["ip": "127.1.0.4"]])
        #expect(s["hostIP"] == "127.0.0.1")
        #expect(s["startTime"] == "2023-11-14T22:13:20Z")
        let types = s["conditions"].array?.compactMap { $0["type"].string }
        #expect(Set(types ?? []) == ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"])
        #expect(s.isReadyPod)
        let cs = s.container()
        #expect(cs["ready"] == true)
        #expect(cs["started"] == true)
        #expect(cs["restartCount"] == 0)
        #expect(cs["state"]["running"]["startedAt"] == "2023-11-14T22:13:20Z")
        #expect(cs["lastState"] == .emptyObject)
    }

    @Test func transitionTimesMoveOnlyWhenStatusChanges() {
        var b = PodStatusBuilder(restartPolicy: "Always", podIP: "127.1.0.4", hostIP: "127.0.0.1", startTime: t0,
                                 containers: [container(.running(startedAt: t0))])
        let first = b.build(previous: .emptyObject, now: t0)
        let ready0 = first["conditions"].array!.first { $0["type"] == "Ready" }!
        #expect(ready0["status"] == "False")
        #expect(ready0["reason"] == "ContainersNotReady")
        #expect(ready0["message"] == "containers with unready status: [web]")
        let same = b.build(previous: first, now: t0 + 30)
        #expect(same["conditions"] == first["conditions"])
        b.containers[0].probeReady = true
        let later = b.build(previous: same, now: t0 + 60)
        let ready1 = later["conditions"].array!.first { $0["type"] == "Ready" }!
        #expect(ready1["lastTransitionTime"] == "2023-11-14T22:14:20Z")
        let scheduled = later["conditions"].array!.first { $0["type"] == "PodScheduled" }!
        #expect(scheduled["lastTransitionTime"] == "2023-11-14T22:13:20Z")
    }

    @Test func terminatedContainerReportsExitCodeAndSignal() {
        var c = container(.terminated(exitCode: 137, signal: 9, reason: "Error", message: nil, startedAt: t0, finishedAt: t0 + 5))
        c.restartCount = 2
        let json = c.json()
        #expect(json["state"]["terminated"]["exitCode"] == 137)
        #expect(json["state"]["terminated"]["signal"] == 9)
        #expect(json["state"]["terminated"]["reason"] == "Error")
        #expect(json["restartCount"] == 2)
        #expect(json["ready"] == false)
    }

    @Test func backoffIsImmediateThenDoublingToTheCap() {
        var b = RestartBackoff(initial: 10, cap: 300)
        let delays = (0..<8).map { _ in b.next(afterRunning: 1) }
        #expect(delays == [0, 10, 20, 40, 80, 160, 300, 300])
        #expect(b.next(afterRunning: 600) == 0)
    }
}

@Suite struct ContainerLogTests {
    @Test func keepsLinesAndServesTails() {
        let log = ContainerLog()
        log.append(Array("one\ntwo\nthr".utf8))
        #expect(log.text() == "one\ntwo\n")
        log.append(Array("ee\n".utf8))
        #expect(log.text(tailLines: 2) == "two\nthree\n")
        #expect(log.text(tailLines: 0) == "")
        log.append(Array("partial".utf8))
        log.close()
        #expect(log.text(tailLines: 1) == "partial\n")
    }

    @Test func dropsOldestLinesBeyondTheLimit() {
        let log = ContainerLog(limit: 21)
        for i in 0..<10 { log.append(Array("line \(i)\n".utf8)) }
        #expect(log.text() == "line 7\nline 8\nline 9\n")
    }

    @Test func timestampsAndSince() {
        let clock = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        let log = ContainerLog(now: { clock.withLock { $0 } })
        log.append(Array("early\n".utf8))
        clock.withLock { $0 += 10 }
        log.append(Array("late\n".utf8))
        #expect(log.text(since: Date(timeIntervalSince1970: 1_700_000_005)) == "late\n")
        #expect(log.text(tailLines: 1, timestamps: true) == "2023-11-14T22:13:30.000000000Z late\n")
    }

    @Test func followReplaysThenStreamsUntilClose() async {
        let log = ContainerLog()
        log.append(Array("a\nb\n".utf8))
        let stream = log.follow(tailLines: 1)
        log.append(Array("c\n".utf8))
        log.close()
        var seen: [String] = []
        for await line in stream { seen.append(line.text) }
        #expect(seen == ["b", "c"])
    }
}

import Synchronization

@Suite struct WorkloadTimeTests {
    @Test func formatsAndParsesKubernetesTimestamps() {
        let d = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(WorkloadTime.seconds(d) == "2023-11-14T22:13:20Z")
        #expect(WorkloadTime.nano(d) == "2023-11-14T22:13:20.250000000Z")
        #expect(WorkloadTime.parse("2023-11-14T22:13:20Z") == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(WorkloadTime.parse("2023-11-14T22:13:20.25Z") == d)
        #expect(WorkloadTime.parse("2023-11-14 22:13:20Z") == nil)
        #expect(WorkloadTime.parse("yesterday") == nil)
    }
}
