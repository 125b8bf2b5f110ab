import DozeJSON
import Synchronization
import Testing
@testable import KubeClient

@Suite struct RetryOnConflictTests {
    static let warning = #"299 - "unknown field \"spec.foo\"""#

    @Test func rereadsUntilTheWriteLandsAndReportsWarnings() async throws {
        let server = try ScriptedServer { req, conn in
            if req.method == "PUT" && req.index < 4 {
                conn.respondStatus(409, reason: "Conflict")
            } else {
                conn.respond(200, headers: ["Warning": RetryOnConflictTests.warning],
                             json: configMapJSON("cm", rv: String(req.index)))
            }
        }
        defer { server.stop() }
        let warnings = Mutex<[String]>([])
        let clock = RecordingClock()
        let client = KubeClient(transport: URLSessionTransport(server: server.url),
                                options: ClientOptions(clock: clock.clock,
                                                       onWarning: { w in warnings.withLock { $0.append(w) } }))
        let api = client.api(ConfigMap.self)
        let result = try await retryOnConflict(clock: clock.clock) {
            var cm = try await api.get("cm")
            cm.data["n"] = "1"
            return try await api.replace(cm)
        }
        #expect(result.resourceVersion == "5")
        #expect(server.requests.map(\.method) == ["GET", "PUT", "GET", "PUT", "GET", "PUT"])
        #expect(warnings.withLock { $0 } == Array(repeating: Self.warning, count: 4))  // 3 GETs and the PUT
        #expect(clock.recorded.count == 2)
    }

    @Test func theLastConflictIsThrown() async throws {
        let calls = Mutex(0)
        let error = await #expect(throws: KubeError.self) {
            try await retryOnConflict(attempts: 3, clock: RecordingClock().clock) {
                calls.withLock { $0 += 1 }
                throw KubeError.api(code: 409, body: [])
            }
        }
        #expect(error?.isConflict == true)
        #expect(calls.withLock { $0 } == 3)
        // Other errors are not retried.
        await #expect(throws: KubeError.self) {
            try await retryOnConflict(clock: RecordingClock().clock) {
                calls.withLock { $0 += 1 }
                throw KubeError.api(code: 404, body: [])
            }
        }
        #expect(calls.withLock { $0 } == 4)
    }
}
