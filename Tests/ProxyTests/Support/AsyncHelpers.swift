import Foundation
import Synchronization
import TestSupport

/// Polls a condition that no event announces (state inside the proxy), up to `seconds`.
func waitFor(seconds: Double = 10, _ check: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if check() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return check()
}

final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Moves a test-only non-Sendable value across threads (used from one thread at a time).
final class SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs blocking socket code on a thread of its own, off the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread.detachNewThread { c.resume(with: Result { try body() }) }
    }
}

/// A short blocking GET for polling loops (the admin port answers at once).
func blockingGet(port: Int, _ path: String) -> String {
    guard let c = try? RawClient(port: port, timeoutSeconds: 5) else { return "" }
    c.send("GET \(path) HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n")
    return (try? c.readResponse().body) ?? ""
}
