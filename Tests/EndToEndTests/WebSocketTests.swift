import DozeJSON
import Foundation
import TestSupport
import Testing

extension EndToEnd {
    /// Upgraded connections: traffic on an open websocket is activity (the App stays awake past its
    /// idle timeout); a silent one is not (the App sleeps and the connection ends with the pod).
    @Suite struct WebSocketTests {
        @Test func websocketWithTrafficKeepsTheAppAwakeAndASilentOneLetsItSleep() async throws {
            let dir = try TempDir.make("e2e-ws")
            defer { try? FileManager.default.removeItem(at: dir) }
            let server = try TestApps.write(TestApps.wsEchoServer, as: "echo.py", in: dir)
            let yaml = TestApps.manifest(name: "echo", command: [TestApps.python, server], idleTimeout: "2s")
            let dev = try await DevSession.start(apps: [yaml])
            let clientScript = try TestApps.write(TestApps.wsClient, as: "client.py", in: dir)

            // 7 s of echoes, one every 250 ms: more than three idle timeouts.
            let client = try PeerProcess(TestApps.python, ["-u", clientScript, "echo.localhost", "\(dev.proxyPort)", "7"])
            defer { client.stop() }
            #expect(await client.line(containing: "open", within: 60) != nil, "\(client.allOutput)\(client.errorOutput)")
            let opened = ContinuousClock.now
            var sleptWhileBusy = false
            while await client.line(containing: "silent", within: 0.05) == nil, ContinuousClock.now - opened < .seconds(30) {
                if try await dev.deployment("echo")[path: "spec", "replicas"].int == 0 { sleptWhileBusy = true }
            }
            let silentAt = ContinuousClock.now
            #expect(client.allOutput.contains("traffic ok"), "\(client.allOutput)\(client.errorOutput)")
            #expect(!sleptWhileBusy, "the App went to sleep while its websocket carried traffic")
            #expect(silentAt - opened >= .seconds(6))
            #expect(try await dev.events(reason: "Sleeping", about: "echo").isEmpty)

            // Silent from now on, still open: the App sleeps after the idle timeout, and the
            // connection ends with the pod.
            #expect(try await dev.eventually(within: 15) { try await dev.deployment("echo")[path: "spec", "replicas"].int == 0 })
            let asleepAfter = ContinuousClock.now - silentAt
            #expect(asleepAfter >= .seconds(1) && asleepAfter < .seconds(6), "asleep \(asleepAfter) after the last message")
            #expect(await client.line(containing: "closed", within: 20) != nil, "\(client.allOutput)\(client.errorOutput)")
            #expect(await dev.stop() == 0)
        }
    }
}
