import Synchronization

/// A one-shot signal that a pod is being stopped: waits and sleeps end early when it fires, so a
/// container in back-off or a probe loop notices deletion at once.
final class StopLatch: Sendable {
    private struct State {
        var fired = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    var fired: Bool { state.withLock { $0.fired } }

    func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.fired else { return [] }
            s.fired = true
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when the latch fires or the calling task is cancelled.
    func wait() async {
        let id = state.withLock { s -> Int in s.nextID += 1; return s.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.fired || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Sleeps with `sleep`, ending early when the latch fires; returns true if it fired.
    func sleep(_ seconds: Double, using sleep: @escaping @Sendable (Double) async throws -> Void) async -> Bool {
        if fired { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await sleep(seconds)) != nil ? false : self.fired }
            group.addTask { await self.wait(); return true }
            let first = await group.next() ?? true
            group.cancelAll()
            return first || fired
        }
    }
}
