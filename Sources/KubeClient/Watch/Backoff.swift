/// Jittered exponential backoff for the watcher: 0.8 s doubling to 30 s, each delay spread by
/// ±20% so that watchers that failed together do not retry together. A value type with its own
/// seeded generator, so a state machine holding it stays pure and reproducible.
public struct Backoff: Sendable, Hashable {
    public var initial: Double
    public var maximum: Double
    public var jitter: Double
    public private(set) var failures = 0
    private var rng: SplitMix64

    public init(initial: Double = 0.8, maximum: Double = 30, jitter: Double = 0.2, seed: UInt64) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
        rng = SplitMix64(seed: seed)
    }

    /// The delay before the next attempt; each call without a `reset` grows it.
    public mutating func next() -> Double {
        let base = min(maximum, initial * Double(1 << min(failures, 20)))
        failures += 1
        let spread = 1 + jitter * (2 * rng.nextUnit() - 1)
        return min(maximum, base * spread)
    }

    /// After a success: the next failure starts from `initial` again.
    public mutating func reset() { failures = 0 }
}

/// A tiny, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64: Sendable, Hashable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
