/// A controller's work queue: keys (`namespace/name`) waiting to be reconciled, each at most once
/// in the queue however many events named it, handed out in arrival order. Delayed adds serve
/// `requeueAfter`.
actor KeyQueue {
    private var order: [String] = []
    private var queued: Set<String> = []
    private var waiter: CheckedContinuation<String?, Never>?
    private var timers: [String: (due: ContinuousClock.Instant, task: Task<Void, Never>)] = [:]
    private var closed = false

    func add(_ key: String) {
        guard !closed, !queued.contains(key) else { return }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: key)
            return
        }
        queued.insert(key)
        order.append(key)
    }

    /// Adds `key` after `seconds`, unless a delayed add for it is already due sooner.
    func add(_ key: String, after seconds: Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
        guard !closed else { return }
        let due = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        if let pending = timers[key], pending.due <= due { return }
        timers[key]?.task.cancel()
        let task = Task {
            do { try await sleep(seconds) } catch { return }
            self.fire(key, due: due)
        }
        timers[key] = (due, task)
    }

    private func fire(_ key: String, due: ContinuousClock.Instant) {
        guard timers[key]?.due == due else { return }
        timers[key] = nil
        add(key)
    }

    /// The next key, waiting for one; nil once the queue is closed.
    func next() async -> String? {
        if !order.isEmpty {
            let key = order.removeFirst()
            queued.remove(key)
            return key
        }
        if closed { return nil }
        return await withCheckedContinuation { waiter = $0 }
    }

    func close() {
        closed = true
        timers.values.forEach { $0.task.cancel() }
        timers.removeAll()
        waiter?.resume(returning: nil)
        waiter = nil
    }
}
