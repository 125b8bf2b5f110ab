import Synchronization

/// A token bucket: `burst` requests at once, then `qps` per second. Pure: the caller supplies
/// the time and sleeps for the delay returned.
public struct TokenBucket: Sendable, Hashable {
    public let qps: Double
    public let burst: Double
    private var tokens: Double
    private var last: Double?

    public init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = Double(max(burst, 1))
        tokens = self.burst
    }

    /// Takes one token and returns how long the caller must wait before sending (0 if a token
    /// was there). Tokens may go negative: each waiter reserves its own future slot, so waiters
    /// are served in order and never all wake at once.
    public mutating func reserve(now: Double) -> Double {
        guard qps > 0 else { return 0 }
        if let last { tokens = min(burst, tokens + max(0, now - last) * qps) }
        last = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / qps
    }
}

/// The client-wide rate limit (client-go's QPS/Burst; default 50/100 here).
final class RateLimiter: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let clock: KubeClock

    init(qps: Double, burst: Int, clock: KubeClock) {
        bucket = Mutex(TokenBucket(qps: qps, burst: burst))
        self.clock = clock
    }

    func acquire() async throws {
        let now = clock.now()
        let wait = bucket.withLock { $0.reserve(now: now) }
        if wait > 0 { try await clock.sleep(wait) }
    }
}
