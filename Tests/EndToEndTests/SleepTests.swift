import DozeJSON
import Foundation
import Synchronization
import Testing

extension EndToEnd {
    /// Idle Apps go to zero through the controller (gathering /activity from the proxy found via
    /// doze-system/doze-proxy-admin), their processes end, and no request is lost around it.
    @Suite struct SleepTests {
        @Test func idleAppGoesToZeroItsProcessEndsAndTheNextRequestWakesIt() async throws {
            let dir = try TempDir.make("e2e-idle")
            defer { try? FileManager.default.removeItem(at: dir) }
            let app = try WakeTests.pidApp("idle", idle: "2s", dir: dir)
            let dev = try await DevSession.start(apps: [app.yaml])

            #expect(await dev.get("idle.localhost").status == 200)
            let lastRequest = ContinuousClock.now
            let pid = try #require(WakeTests.pids(app.pidFile).first)
            let pod = try #require(try await dev.pods(of: "idle").first)
            let podIP = try #require(pod[path: "status", "podIP"].string)
            #expect(isListening(host: podIP, port: 8000))

            // Asleep within a few seconds of the idle timeout (the controller polls every second).
            #expect(try await dev.eventually(within: 15) { try await dev.deployment("idle")[path: "spec", "replicas"].int == 0 })
            let asleepAfter = ContinuousClock.now - lastRequest
            #expect(asleepAfter >= .seconds(2) && asleepAfter < .seconds(5), "asleep after \(asleepAfter)")
            #expect(await dev.eventually(within: 15) { !processExists(pid) }, "pod process \(pid) still runs")
            #expect(!isListening(host: podIP, port: 8000))
            #expect(try await dev.eventually(within: 10) { try await dev.app("idle")[path: "status", "state"].string == "Idle" })
            #expect(try await dev.events(reason: "Sleeping", about: "idle").count == 1)

            // The next request wakes it again: a new process.
            let again = await dev.get("idle.localhost")
            #expect(again.status == 200, "\(again.head)\(again.body)")
            let pids = WakeTests.pids(app.pidFile)
            #expect(pids.count == 2 && pids[1] != pid && again.body == "hello from \(pids[1])\n")
            #expect(await dev.metric("doze_proxy_wakes_total") == 2)
            #expect(try await dev.eventually(within: 10) { try await dev.app("idle")[path: "status", "wakeCount"].int == 2 })
            #expect(await dev.stop() == 0)
        }

        /// Requests that arrive while the controller puts the App to sleep — before, during and
        /// after the fence and the scale to zero — are held and answered, never 502.
        @Test func requestsWhileTheControllerScalesToZeroAll200() async throws {
            let dir = try TempDir.make("e2e-race")
            defer { try? FileManager.default.removeItem(at: dir) }
            let app = try WakeTests.pidApp("race", idle: "2s", dir: dir)
            let dev = try await DevSession.start(apps: [app.yaml])
            var statuses: [Int: Int] = [:]
            #expect(await dev.get("race.localhost").status == 200)
            // Each round waits out the idle timeout plus a different part of the controller's 1 s
            // poll, then sends a burst: some bursts land on an awake App, some on the fence and the
            // scale-down, some on terminating pods.
            for delay in [0, 150, 300, 450, 600, 750, 900, 1050] {
                try await Task.sleep(for: .milliseconds(2000 + delay))
                let burst = await burst(dev, host: "race.localhost", count: 10)
                statuses.merge(burst) { $0 + $1 }
            }
            #expect(statuses == [200: 80], "\(statuses)")
            #expect(try await dev.events(reason: "Sleeping", about: "race").count >= 1, "no round raced a sleep")
            #expect(await dev.stop() == 0)
        }

        /// `kubectl scale --replicas=0` from outside while requests flow without pause: the proxy
        /// sees its endpoint go away mid-traffic and wakes the App again; every request answers 200.
        @Test func requestsWhileKubectlScalesToZeroAll200() async throws {
            let dir = try TempDir.make("e2e-kubectl")
            defer { try? FileManager.default.removeItem(at: dir) }
            let app = try WakeTests.pidApp("outside", idle: "5m", dir: dir)
            let dev = try await DevSession.start(apps: [app.yaml])
            #expect(await dev.get("outside.localhost").status == 200)
            let stop = StopFlag()
            let port = dev.proxyPort
            let traffic = Task {
                await withTaskGroup(of: [String].self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            var answers: [String] = []
                            while !stop.isSet {
                                let r = await httpRequest(port: port, "GET", "/", host: "outside.localhost")
                                answers.append(r.status == 200 ? "200" : "\(r.status) \(r.body)")
                            }
                            return answers
                        }
                    }
                    return await group.reduce(into: [String]()) { $0 += $1 }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await dev.kubectl(["scale", "deployment/outside", "--replicas=0"])
            let firstPid = try #require(WakeTests.pids(app.pidFile).first)
            // Traffic goes on until the old process is gone and a new one answered.
            #expect(await dev.eventually(within: 30) { !processExists(firstPid) && WakeTests.pids(app.pidFile).count >= 2 })
            try await Task.sleep(for: .milliseconds(300))
            stop.set()
            let answers = await traffic.value
            let failed = answers.filter { $0 != "200" }
            #expect(answers.count - failed.count > 20)
            // A keep-alive connection to the killed pod fails, and so does the fresh connect
            // HTTPCore retries it on: the request goes back through the wake path, never 502.
            #expect(failed == [], "\(failed.count) of \(answers.count) failed: \(Set(failed))")
            #expect(try await dev.deployment("outside")[path: "spec", "replicas"].int == 1)
            #expect(await dev.stop() == 0)
        }

        func burst(_ dev: DevSession, host: String, count: Int) async -> [Int: Int] {
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<count { group.addTask { await dev.get(host).status } }
                return await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
        }
    }
}

final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
