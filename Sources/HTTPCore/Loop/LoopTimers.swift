import CDozeSys

/// A one-shot timer on an event loop. Cancelling only marks it; the heap drops it lazily,
/// which keeps re-arming per request (header, idle timeouts) to one allocation and a push.
public final class LoopTimer {
    let deadline: Int64
    fileprivate var callback: (() -> Void)?

    init(deadline: Int64, callback: @escaping () -> Void) {
        self.deadline = deadline
        self.callback = callback
    }

    public func cancel() { callback = nil }
    public var isActive: Bool { callback != nil }
}

/// A binary min-heap of timers ordered by deadline (monotonic nanoseconds).
struct TimerHeap {
    private var heap: [LoopTimer] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ t: LoopTimer) {
        heap.append(t)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].deadline < heap[parent].deadline else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// Milliseconds until the earliest live deadline (rounded up), or -1 when none.
    mutating func waitMilliseconds(now: Int64) -> Int32 {
        while let top = heap.first, !top.isActive { _ = pop() }
        guard let top = heap.first else { return -1 }
        let ns = top.deadline - now
        if ns <= 0 { return 0 }
        return Int32(min((ns + 999_999) / 1_000_000, 60_000))
    }

    /// Removes and returns the callbacks of every timer whose deadline has passed. The caller
    /// runs them after this returns, since a callback may schedule (mutate the heap) again.
    mutating func takeExpired(now: Int64) -> [() -> Void] {
        var due: [() -> Void] = []
        while let top = heap.first, top.deadline <= now {
            _ = pop()
            if let cb = top.callback {
                top.callback = nil
                due.append(cb)
            }
        }
        return due
    }

    private mutating func pop() -> LoopTimer {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l].deadline < heap[m].deadline { m = l }
                if r < heap.count && heap[r].deadline < heap[m].deadline { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}

/// Monotonic clock in nanoseconds.
@inline(__always) func monotonicNow() -> Int64 { doze_now_ns() }
