import Foundation

/// Time and randomness for backoff, rate limiting and jitter, injected so tests can record the
/// delays asked for instead of waiting them out.
public struct KubeClock: Sendable {
    /// Monotonic seconds.
    public var now: @Sendable () -> Double
    public var sleep: @Sendable (Double) async throws -> Void
    /// Uniform in [0, 1).
    public var random: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void,
                random: @escaping @Sendable () -> Double) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    public static let system = KubeClock(
        now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
        sleep: { seconds in
            guard seconds > 0 else { return try Task.checkCancellation() }
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        },
        random: { Double.random(in: 0..<1) })
}
