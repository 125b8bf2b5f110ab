import Synchronization

/// A one-shot latch between services of one ServiceRunner group: services that need the
/// cluster prepared (the CRD installed) await `opened()`; the setup service calls `open()`.
/// Cancellation ends the wait, so a stopping group never hangs on a gate that never opened.
final class StartGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Returns once the gate is open; throws CancellationError if cancelled first.
    func opened() async throws {
        while !state.withLock({ $0.open }) {
            try Task.checkCancellation()
            await waitOnce()
        }
    }

    private func waitOnce() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { c in
                let now = state.withLock { s -> Bool in
                    // Checked under the lock: a cancellation after this point finds the waiter.
                    if s.open || Task.isCancelled { return true }
                    s.waiters.append(c)
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            // Wake every waiter; each one checks again whether it was cancelled or the gate opened.
            let waiters = state.withLock { s in
                defer { s.waiters = [] }
                return s.waiters
            }
            for w in waiters { w.resume() }
        }
    }
}

extension StartGate {
    /// Runs `body` so that cancelling the caller cancels `body` only after `gates` opened (or
    /// `limit` passed): the local cluster must outlive the controller and the proxy, whose
    /// shutdown (releasing the Lease, closing watches) talks to it.
    static func run(_ body: @escaping @Sendable () async throws -> Void, outliving gates: [StartGate],
                    limit: Duration = .seconds(10)) async throws {
        let task = Task { try await body() }
        await withTaskCancellationHandler {
            _ = await task.result
        } onCancel: {
            Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { for g in gates { try? await g.opened() } }
                    group.addTask { try? await Task.sleep(for: limit) }
                    await group.next()
                    group.cancelAll()
                }
                task.cancel()
            }
        }
        try await task.value
    }
}
