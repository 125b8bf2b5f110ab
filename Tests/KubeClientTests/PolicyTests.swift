import Testing
@testable import KubeClient

/// Retry decisions and the token bucket, without I/O.
@Suite struct PolicyTests {
    let get = KubeRequest(method: .get, path: "/api/v1/pods")
    let post = KubeRequest(method: .post, path: "/api/v1/namespaces/a/pods")

    @Test func retryDecisions() {
        let p = RequestRetryPolicy(maxRetries: 3, baseDelay: 0.2, maxDelay: 10)
        #expect(p.delay(after: 429, headers: ["retry-after": "7"], request: post, attempt: 0, random: 0) == 7)
        #expect(p.delay(after: 429, headers: ["retry-after": "600"], request: get, attempt: 0, random: 0) == 60)
        #expect(abs((p.delay(after: 503, headers: [:], request: get, attempt: 0, random: 0.5) ?? 0) - 0.15) < 1e-9)
        #expect(p.delay(after: 500, headers: [:], request: post, attempt: 0, random: 0) == nil)
        #expect(p.delay(after: 404, headers: [:], request: get, attempt: 0, random: 0) == nil)
        #expect(p.delay(after: 501, headers: [:], request: get, attempt: 0, random: 0) == nil)
        #expect(p.delay(after: 500, headers: [:], request: get, attempt: 3, random: 0) == nil)
        #expect(p.delayAfterTransportError(request: get, attempt: 1, random: 1) == 0.4)
        #expect(p.delayAfterTransportError(request: post, attempt: 0, random: 0) == nil)
        #expect(p.delayAfterTransportError(request: post, notSent: true, attempt: 0, random: 0) == 0.1)
        #expect(p.backoff(attempt: 20, random: 1) == 10)
    }

    @Test func tokenBucket() {
        var b = TokenBucket(qps: 10, burst: 3)
        #expect((0..<3).map { _ in b.reserve(now: 100) } == [0, 0, 0])
        // Later callers queue up, each a tenth of a second after the one before.
        #expect(abs(b.reserve(now: 100) - 0.1) < 1e-9)
        #expect(abs(b.reserve(now: 100) - 0.2) < 1e-9)
        // After a second the bucket has refilled up to its burst.
        #expect(b.reserve(now: 101.5) == 0)
        var unlimited = TokenBucket(qps: 0, burst: 1)
        #expect((0..<100).allSatisfy { _ in unlimited.reserve(now: 0) == 0 })
    }

    @Test func lineSplitter() {
        var s = LineSplitter()
        #expect(s.append(Array("{\"a\":1}\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(s.append(Array(":2}\r\n\n".utf8)) == [Array("{\"b\":2}".utf8)])
        #expect(s.append(Array("tail".utf8)).isEmpty)
        #expect(s.finish() == Array("tail".utf8))
        #expect(s.finish() == nil)
    }
}
