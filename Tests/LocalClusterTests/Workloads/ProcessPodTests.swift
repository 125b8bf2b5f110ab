import Foundation
import Synchronization
import Testing
import DozeJSON
@testable import LocalCluster

/// The process runtime against real processes: python3's http.server, sh scripts.
@Suite struct ProcessPodTests {
    func fastOptions() -> PodRuntimeOptions {
        var o = PodRuntimeOptions()
        o.backoffInitialSeconds = 0.2
        o.backoffCapSeconds = 1
        return o
    }

    static let httpServer: JSON = [
        "name": "web", "image": "python:3",
        "command": ["python3", "-u", "-m", "http.server"],
        "args": ["$(PORT)", "--bind", "$(POD_IP)"],
        "env": [["name": "PORT", "value": "8000"],
                ["name": "POD_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]]],
        "ports": [["name": "http", "containerPort": 8000]],
        "readinessProbe": ["httpGet": ["path": "/", "port": "http"], "periodSeconds": 1],
    ]

    @Test func twoHTTPServersShareAPortOnTheirOwnIPsAndDieOnStop() async throws {
        let recorder = StatusRecorder()
        let runtime = PodRuntime(mode: .process, options: fastOptions(), ipPool: testIPPool(), statusSink: recorder.sink)
        for name in ["web-a", "web-b"] { runtime.start(testPod(name, containers: [Self.httpServer])) }
        var pids: [Int32] = []
        for name in ["web-a", "web-b"] {
            let status = await recorder.wait("default/\(name)") { $0.isReadyPod }
            let ip = try #require(status?["podIP"].string)
            #expect(ip == runtime.podIP(namespace: "default", name: name))
            #expect(status?["phase"] == "Running")
            #expect(status?.container()["started"] == true)
            #expect(httpStatus(ip, 8000) == 200)
            let log = runtime.log(namespace: "default", name: name, container: "web", previous: false)
            #expect(log?.text().contains("Serving HTTP on \(ip) port 8000") == true)
            pids += await runtime.processIDs(namespace: "default", name: name)
        }
        #expect(pids.count == 2)
        #expect(pids.allSatisfy(processAlive))
        await runtime.stopAll()
        #expect(!pids.contains(where: processAlive))
        #expect(runtime.ipPool.inUseCount == 0)
    }

    @Test func sigtermIgnoredMeansSigkillAfterTheGracePeriod() async throws {
        let recorder = StatusRecorder()
        let runtime = PodRuntime(mode: .process, options: fastOptions(), ipPool: testIPPool(), statusSink: recorder.sink)
        let stubborn: JSON = ["name": "c", "command": ["sh", "-c", "trap '' TERM; echo up; sleep 600 & wait; wait"]]
        runtime.start(testPod("stubborn", containers: [stubborn], extraSpec: ["terminationGracePeriodSeconds": 1]))
        _ = await recorder.wait("default/stubborn") { $0.container()["state"]["running"].object != nil }
        let log = try #require(runtime.log(namespace: "default", name: "stubborn", container: nil, previous: false))
        for await line in log.follow() where line.text == "up" { break }
        let pid = try #require(await runtime.processIDs(namespace: "default", name: "stubborn").first)
        let groupBefore = processGroupMembers(pid)
        #expect(groupBefore.count >= 2, "sh and its sleep")
        let started = Date()
        await runtime.stop(namespace: "default", name: "stubborn")
        let took = Date().timeIntervalSince(started)
        #expect(took >= 0.9 && took < 10, "took \(took)s")
        #expect(!groupBefore.contains(where: processAlive))
        let last = await recorder.wait("default/stubborn") { $0.container()["state"]["terminated"].object != nil }
        #expect(last?.container()["state"]["terminated"]["exitCode"] == 137)
        #expect(last?.container()["state"]["terminated"]["signal"] == 9)
    }

    @Test func imageOnlyContainerStaysPendingWithAReason() async throws {
        let recorder = StatusRecorder()
        let runtime = PodRuntime(mode: .process, options: fastOptions(), ipPool: testIPPool(), statusSink: recorder.sink)
        runtime.start(testPod("nginx", containers: [["name": "nginx", "image": "nginx:1.27"]]))
        let status = await recorder.wait("default/nginx") { $0.container()["state"]["waiting"]["reason"] == "ImageNotRunnable" }
        #expect(status?["phase"] == "Pending")
        #expect(status?.container()["state"]["waiting"]["message"].string?.contains("cannot run the image \"nginx:1.27\"") == true)
        #expect(await runtime.processIDs(namespace: "default", name: "nginx").isEmpty)
        await runtime.stopAll()
    }

    @Test func crashingContainerRestartsWithBackoffAndKeepsThePreviousLog() async throws {
        let recorder = StatusRecorder()
        let runtime = PodRuntime(mode: .process, options: fastOptions(), ipPool: testIPPool(), statusSink: recorder.sink)
        let crasher: JSON = ["name": "c", "command": ["sh", "-c", "echo run $(NAME); exit 3"],
                             "env": [["name": "NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]]]]
        runtime.start(testPod("crash", containers: [crasher]))
        let status = await recorder.wait("default/crash") { $0.container()["restartCount"].int ?? 0 >= 2 }
        #expect(status?["phase"] == "Running")
        #expect(status?.container()["lastState"]["terminated"]["exitCode"] == 3)
        #expect(status?.container()["lastState"]["terminated"]["reason"] == "Error")
        let reasons = recorder.history("default/crash").compactMap { $0.container()["state"]["waiting"]["reason"].string }
        #expect(reasons.contains("CrashLoopBackOff"))
        #expect(runtime.log(namespace: "default", name: "crash", container: "c", previous: true)?.text() == "run crash\n")
        await runtime.stopAll()
    }

    @Test func restartPolicyNeverEndsInSucceededOrFailed() async throws {
        let recorder = StatusRecorder()
        let runtime = PodRuntime(mode: .process, options: fastOptions(), ipPool: testIPPool(), statusSink: recorder.sink)
        let ok: JSON = ["name": "c", "command": ["sh", "-c", "pwd; echo $GREETING"], "workingDir": "/tmp",
                        "env": [["name": "GREETING", "value": "hello"]]]
        let bad: JSON = ["name": "c", "command": ["no-such-program-here"]]
        runtime.start(testPod("ok", containers: [ok], extraSpec: ["restartPolicy": "Never"]))
        runtime.start(testPod("bad", containers: [bad], extraSpec: ["restartPolicy": "Never"]))
        let done = await recorder.wait("default/ok") { $0["phase"] == "Succeeded" }
        #expect(done?.container()["state"]["terminated"]["reason"] == "Completed")
        let log = try #require(runtime.log(namespace: "default", name: "ok", container: nil, previous: false))
        for await _ in log.follow() {}   // ends when the output pipe closes
        #expect(log.text() == "/tmp\nhello\n")
        let failed = await recorder.wait("default/bad") { $0["phase"] == "Failed" }
        #expect(failed?.container()["state"]["terminated"]["reason"] == "StartError")
        #expect(failed?.container()["state"]["terminated"]["exitCode"] == 128)
        #expect(failed?.container()["state"]["terminated"]["message"].string?.contains("executable file not found in $PATH") == true)
        await runtime.stopAll()
    }

    @Test func failingLivenessProbeRestartsTheContainer() async throws {
        let recorder = StatusRecorder()
        let events = Mutex<[WorkloadEvent]>([])
        var options = fastOptions()
        options.events = { e in events.withLock { $0.append(e) } }
        let runtime = PodRuntime(mode: .process, options: options, ipPool: testIPPool(), statusSink: recorder.sink)
        let c: JSON = ["name": "c", "command": ["sleep", "600"],
                       "livenessProbe": ["exec": ["command": ["false"]], "periodSeconds": 1, "failureThreshold": 2]]
        runtime.start(testPod("sick", containers: [c], extraSpec: ["terminationGracePeriodSeconds": 1]))
        let status = await recorder.wait("default/sick") { $0.container()["restartCount"].int ?? 0 >= 1 }
        #expect(status?.container()["lastState"]["terminated"]["exitCode"] == 143)
        let seen = events.withLock { $0 }
        #expect(seen.contains { $0.reason == "Unhealthy" && $0.warning && $0.message.hasPrefix("Liveness probe failed: command [\"false\"] exited with 1") })
        #expect(seen.contains { $0.reason == "Killing" && $0.message == "Container c failed liveness probe, will be restarted" })
        #expect(seen.first { $0.reason == "Started" }?.fieldPath == "spec.containers{c}")
        await runtime.stopAll()
    }

    @Test func simulatedPodsBecomeReadyAfterTheDelayWithoutAProcess() async throws {
        let recorder = StatusRecorder()
        let runtime = PodRuntime(mode: .simulated(readyAfter: .milliseconds(200)), ipPool: testIPPool(), statusSink: recorder.sink)
        let started = Date()
        runtime.start(testPod("sim", containers: [["name": "nginx", "image": "nginx"]]))
        let first = await recorder.wait("default/sim") { $0["phase"] == "Running" }
        #expect(first?["podIP"].string != nil)
        let ready = await recorder.wait("default/sim") { $0.isReadyPod }
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(ready?.container()["ready"] == true)
        #expect(await runtime.processIDs(namespace: "default", name: "sim").isEmpty)
        await runtime.stop(namespace: "default", name: "sim")
        #expect(runtime.runningPods.isEmpty)
    }
}

/// Every process whose process group is `pgid`, from /proc.
func processGroupMembers(_ pgid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 && Int32(fields[2]) == pgid
    }
}
