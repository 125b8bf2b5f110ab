/// client-go's work queue, "fair and stingy":
/// - a key added many times before a worker takes it is processed once (dedup);
/// - a key is never handed to two workers at once: added while in flight, it is queued again
///   only when the worker calls `done`;
/// - keys are served in the order they became ready;
/// - failures back off per key (exponential, capped); `forget` resets a key after a success.
public actor WorkQueue<Key: Hashable & Sendable> {
    public struct Backoff: Sendable {
        public var base: Duration
        public var cap: Duration
        public init(base: Duration = .milliseconds(5), cap: Duration = .seconds(300)) {
            self.base = base
            self.cap = cap
        }

        /// The delay before retry number `failures` (1-based): base · 2^(failures-1), capped.
        public func delay(failures: Int) -> Duration {
            let exp = min(max(failures - 1, 0), 40)
            let d = base * Double(sign: .plus, exponent: exp, significand: 1)
            return min(d, cap)
        }
    }

    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var failures: [Key: Int] = [:]
    /// Pending delayed adds: the earliest deadline per key, so repeated `addAfter` calls coalesce.
    private var delayed: [Key: Duration] = [:]
    private var shuttingDown = false
    private let clock: RuntimeClock
    public let backoff: Backoff

    public init(clock: RuntimeClock = .continuous, backoff: Backoff = Backoff()) {
        self.clock = clock
        self.backoff = backoff
    }

    /// Keys waiting to be handed out (not counting those in flight or delayed).
    public var depth: Int { queue.count - head }
    public var inFlight: Int { processing.count }

    public func add(_ key: Key) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        guard !processing.contains(key) else { return }
        enqueue(key)
    }

    private func enqueue(_ key: Key) {
        if !waiters.isEmpty {
            dirty.remove(key)
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
            return
        }
        queue.append(key)
    }

    /// The next key to process, waiting for one if needed; nil once the queue is shut down.
    public func next() async -> Key? {
        if head < queue.count {
            let key = queue[head]
            head += 1
            if head > 1024, head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            dirty.remove(key)
            processing.insert(key)
            return key
        }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks a key's processing finished; if it was added meanwhile it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) { enqueue(key) }
    }

    /// Re-adds a key after its per-key backoff (call after a failed reconcile).
    public func addRateLimited(_ key: Key) {
        let n = (failures[key] ?? 0) + 1
        failures[key] = n
        addAfter(key, backoff.delay(failures: n))
    }

    /// How many times in a row this key has failed.
    public func failureCount(_ key: Key) -> Int { failures[key] ?? 0 }

    /// Forgets a key's failures (call after a successful reconcile).
    public func forget(_ key: Key) { failures.removeValue(forKey: key) }

    public func addAfter(_ key: Key, _ delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else { add(key); return }
        let deadline = clock.now() + delay
        if let pending = delayed[key], pending <= deadline { return }
        delayed[key] = deadline
        let clock = self.clock
        Task { [weak self] in
            try? await clock.sleepUntil(deadline)
            await self?.fireDelayed(key, deadline: deadline)
        }
    }

    private func fireDelayed(_ key: Key, deadline: Duration) {
        guard delayed[key] == deadline else { return }  // superseded by an earlier deadline
        delayed.removeValue(forKey: key)
        add(key)
    }

    /// Stops handing out keys: waiting workers get nil; keys in flight may still call `done`.
    public func shutDown() {
        shuttingDown = true
        let w = waiters
        waiters.removeAll()
        for c in w { c.resume(returning: nil) }
    }
}
