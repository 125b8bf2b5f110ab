/// The last N changes, oldest first, in a ring buffer: watches that start from a past
/// resourceVersion replay from here, and older ones get 410 Expired.
struct EventHistory: Sendable {
    let capacity: Int
    private var buffer: [StoredChange] = []
    private var head = 0  // index of the oldest entry once the buffer is full

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        buffer.reserveCapacity(min(self.capacity, 1024))
    }

    var count: Int { buffer.count }

    mutating func append(_ change: StoredChange) {
        if buffer.count < capacity {
            buffer.append(change)
        } else {
            buffer[head] = change
            head = (head + 1) % capacity
        }
    }

    private func at(_ i: Int) -> StoredChange { buffer[(head + i) % buffer.count] }

    /// The resourceVersion of the oldest change kept, or nil when empty.
    var oldestRV: Int? { buffer.isEmpty ? nil : at(0).rv }

    /// Whether every change after `rv` is still kept (so a watch from `rv` misses nothing).
    func covers(after rv: Int, current: Int) -> Bool {
        if rv >= current { return true }
        guard let oldest = oldestRV else { return false }
        return oldest <= rv + 1
    }

    /// Changes with resourceVersion greater than `rv`, oldest first.
    func changes(after rv: Int) -> [StoredChange] {
        var lo = 0, hi = buffer.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if at(mid).rv <= rv { lo = mid + 1 } else { hi = mid }
        }
        return (lo..<buffer.count).map(at)
    }
}
