import DozeJSON
import Foundation
import Testing

extension EndToEnd {
    /// `doze dev` as a user runs it (a subprocess, pods as local processes): a sleeping App's first
    /// requests. The suites are serialized: each one runs a whole cluster, controller and proxy.
    @Suite struct WakeTests {
        /// A pid-server App with its script in the session's directory.
        static func pidApp(_ name: String, idle: String, dir: URL) throws -> (yaml: String, pidFile: String) {
            let script = try TestApps.write(TestApps.pidServer, as: "\(name).py", in: dir)
            let pidFile = dir.appendingPathComponent("\(name).pids").path
            return (TestApps.manifest(name: name, command: [TestApps.python, script], idleTimeout: idle,
                                      params: ["PID_FILE": pidFile]), pidFile)
        }

        static func pids(_ file: String) -> [Int32] {
            ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        }

        @Test func firstRequestToASleepingAppAnswers200AndCtrlCStopsItsProcess() async throws {
            let dir = try TempDir.make("e2e-first")
            defer { try? FileManager.default.removeItem(at: dir) }
            let app = try Self.pidApp("first", idle: "5m", dir: dir)
            let dev = try await DevSession.start(apps: [app.yaml])
            #expect(dev.urls["first"] == "http://first.localhost:\(dev.proxyPort)/")
            #expect(try await dev.deployment("first")[path: "spec", "replicas"].int == 0, "a new App starts asleep")
            #expect(Self.pids(app.pidFile).isEmpty, "nothing runs before the first request")

            let r = await dev.get("first.localhost")
            #expect(r.status == 200, "\(r.head)\(r.body)")
            let pid = try #require(Self.pids(app.pidFile).first)
            #expect(r.body == "hello from \(pid)\n")
            #expect(await dev.metric("doze_proxy_wakes_total") == 1)
            #expect(try await dev.deployment("first")[path: "spec", "replicas"].int == 1)

            // Ctrl-C (SIGINT) ends doze dev and every pod process it started.
            dev.process.signal(SIGINT)
            #expect(await dev.process.waitForExit(within: 30) == 0)
            #expect(!processExists(pid), "pod process \(pid) outlived doze dev")
            await dev.stop()
        }

        @Test func fiveHundredConcurrentRequestsToASleepingAppAll200WithOneWake() async throws {
            let dir = try TempDir.make("e2e-crowd")
            defer { try? FileManager.default.removeItem(at: dir) }
            let app = try Self.pidApp("crowd", idle: "5m", dir: dir)
            let dev = try await DevSession.start(apps: [app.yaml])
            let generationAsleep = try await dev.deployment("crowd")[path: "metadata", "generation"].int
            let port = dev.proxyPort
            let answers = await withTaskGroup(of: (Int, String).self) { group in
                for i in 0..<500 {
                    group.addTask {
                        let r = await httpRequest(port: port, "GET", "/?n=\(i)", host: "crowd.localhost")
                        return (r.status, r.status == 200 ? "" : r.head + r.body)
                    }
                }
                return await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            let statuses = answers.reduce(into: [Int: Int]()) { $0[$1.0, default: 0] += 1 }
            #expect(statuses == [200: 500], "\(Set(answers.map(\.1)))")
            #expect(await dev.metric("doze_proxy_wakes_total") == 1)
            #expect(Self.pids(app.pidFile).count == 1, "one pod process started")
            // The Deployment's history: one spec change (0 → 1) and one scale-up of its ReplicaSet.
            let deployment = try await dev.deployment("crowd")
            #expect(deployment[path: "spec", "replicas"].int == 1)
            #expect(deployment[path: "metadata", "generation"].int == generationAsleep.map { $0 + 1 })
            let scaledUp = try await dev.events(reason: "ScalingReplicaSet", about: "crowd")
                .filter { ($0["message"].string ?? "").contains("Scaled up") }
            #expect(scaledUp.count == 1, "\(scaledUp.map { $0["message"].string ?? "" })")
            #expect(await dev.stop() == 0)
        }
    }
}
