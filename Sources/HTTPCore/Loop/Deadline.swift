/// A re-armable deadline for per-connection timeouts (header read, keep-alive idle, upstream
/// response head). Re-arming to a later time does not touch the timer heap: the pending timer
/// fires, sees the deadline moved, and re-schedules itself once. So a busy keep-alive
/// connection costs at most one heap entry however many requests it serves, instead of one
/// cancelled entry per request lingering for the whole timeout.
final class Deadline {
    private unowned let loop: EventLoop
    private var target = Int64.max
    private var scheduledAt = Int64.max
    private var timer: LoopTimer?
    private let action: () -> Void

    init(loop: EventLoop, action: @escaping () -> Void) {
        self.loop = loop
        self.action = action
    }

    deinit { timer?.cancel() }

    var isArmed: Bool { target != .max }

    func arm(afterNanoseconds ns: Int64) {
        target = loop.now + ns
        if timer != nil && scheduledAt <= target { return }
        timer?.cancel()
        schedule()
    }

    func disarm() { target = .max }

    /// Drops the pending timer too (the owner is going away).
    func cancel() {
        target = .max
        timer?.cancel()
        timer = nil
    }

    private func schedule() {
        scheduledAt = target
        // unowned(unsafe): a weak capture would give the deadline a side table (slow retains);
        // deinit cancels the timer, so the callback never runs after the deadline is gone.
        timer = loop.schedule(atNanoseconds: target) { [unowned(unsafe) self] in self.fire() }
    }

    private func fire() {
        timer = nil
        guard target != .max else { return }
        if target > loop.now {
            schedule()
            return
        }
        target = .max
        action()
    }
}
