/// The time source the controller runtime waits on: the real monotonic clock in production, a
/// `ManualClock` in tests. Instants are durations since an arbitrary origin.
public struct RuntimeClock: Sendable {
    public let now: @Sendable () -> Duration
    public let sleepUntil: @Sendable (Duration) async throws -> Void

    public init(now: @escaping @Sendable () -> Duration,
                sleepUntil: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleepUntil = sleepUntil
    }

    public static var continuous: RuntimeClock {
        let clock = ContinuousClock()
        let origin = clock.now
        return RuntimeClock(
            now: { origin.duration(to: clock.now) },
            sleepUntil: { try await clock.sleep(until: origin.advanced(by: $0), tolerance: nil) })
    }

    public static func manual(_ clock: ManualClock) -> RuntimeClock {
        RuntimeClock(
            now: { clock.now.offset },
            sleepUntil: { try await clock.sleep(until: .init(offset: $0), tolerance: nil) })
    }

    public func sleep(for d: Duration) async throws { try await sleepUntil(now() + d) }
}
