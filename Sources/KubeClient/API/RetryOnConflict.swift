/// Runs a read-modify-write until it does not hit a 409 Conflict (client-go's RetryOnConflict):
/// `body` must re-read the object each time, so every attempt works on the latest version.
/// Other errors, and the conflict of the last attempt, are thrown.
public func retryOnConflict<R: Sendable>(attempts: Int = 5, clock: KubeClock = .system,
                                         _ body: () async throws -> R) async throws -> R {
    var attempt = 0
    while true {
        do {
            return try await body()
        } catch let error as KubeError where error.isConflict && attempt + 1 < attempts {
            // A short jittered pause, so two writers that collided do not collide again.
            try await clock.sleep(0.01 * Double(1 << min(attempt, 6)) * (0.5 + clock.random()))
            attempt += 1
        }
    }
}
