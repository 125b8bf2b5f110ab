/// What a reconcile asks of the queue besides success or failure.
public enum ReconcileOutcome: Sendable, Equatable {
    case done
    /// Succeeded, but look again after this long (an idle timer, a wake deadline).
    case requeueAfter(Duration)
}

extension WorkQueue {
    /// Runs `count` workers until the queue shuts down. A thrown error re-queues the key with its
    /// backoff; success forgets the key's failures. One key is never processed by two workers.
    public func runWorkers(_ count: Int,
                           _ process: @escaping @Sendable (Key) async throws -> ReconcileOutcome) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(count, 1) {
                group.addTask { await self.workerLoop(process) }
            }
        }
    }

    private func workerLoop(_ process: @Sendable (Key) async throws -> ReconcileOutcome) async {
        while let key = await next() {
            do {
                switch try await process(key) {
                case .done: forget(key)
                case .requeueAfter(let d): forget(key); addAfter(key, d)
                }
            } catch {
                addRateLimited(key)
            }
            done(key)
        }
    }
}
