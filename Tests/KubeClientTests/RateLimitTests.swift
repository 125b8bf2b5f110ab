import DozeJSON
import Synchronization
import Testing
@testable import KubeClient

/// The client-side rate limit, through `KubeClient(transport:)` with a transport of the test's
/// own (any `HTTPTransport` can stand in for URLSession).
@Suite struct RateLimitTests {
    final class CountingTransport: HTTPTransport {
        let sent = Mutex<[KubeRequest]>([])
        func send(_ request: KubeRequest) async throws -> TransportResponse {
            sent.withLock { $0.append(request) }
            return TransportResponse(status: 200, body: configMapJSON("cm", rv: "1").serializedBytes())
        }
        func stream(_ request: KubeRequest) async throws -> TransportStream {
            throw KubeError.transport("not used")
        }
    }

    @Test func burstThenQPS() async throws {
        let transport = CountingTransport()
        // A frozen clock: no tokens come back while the test runs.
        let frozen = RecordingClock()
        let clock = KubeClock(now: { 1000 }, sleep: frozen.clock.sleep, random: { 0.5 })
        let client = KubeClient(transport: transport, options: ClientOptions(qps: 10, burst: 3, clock: clock))
        for _ in 0..<6 { _ = try await client.api(ConfigMap.self).get("cm") }
        #expect(transport.sent.withLock { $0.count } == 6)
        let waits = frozen.recorded
        #expect(waits.count == 3)  // the burst went at once
        for (i, w) in waits.enumerated() { #expect(abs(w - 0.1 * Double(i + 1)) < 1e-9) }
        #expect(transport.sent.withLock { $0.allSatisfy { $0.headers["User-Agent"] == "doze/\(KubeClient.version)" } })
    }
}
