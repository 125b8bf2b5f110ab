/// The controller's side of the wake queue (contract §3) and clients that give up.
extension WakeMachine {
    /// The controller is about to decide whether to put the App to sleep: from now on requests
    /// are held (not sent to the current endpoints) and nothing wakes, until `unfence` or `until`.
    public mutating func fence(until: Duration) -> [Action] {
        fencedUntil = until
        return [.armTimer(at: until)]
    }

    /// Ends a fence. The caller removes the endpoints a sleep made stale (`slept: true`) with
    /// `endpointsObserved` first, so held requests then take the wake path (scale 0 → min)
    /// instead of reaching a terminating pod; without a sleep they go on to the endpoints.
    public mutating func unfence() -> [Action] {
        guard fencedUntil != nil else { return [] }
        fencedUntil = nil
        if !ready.isEmpty { waking = false }
        return wakeIfNeeded() + release() + syncProbes()
    }

    /// A held request's client went away: it leaves the queue (nothing happens when it was not
    /// held any more: already released or rejected).
    public mutating func requestCancelled(_ id: RequestID) -> [Action] {
        guard let i = held[heldHead...].firstIndex(where: { $0.id == id }) else { return [] }
        held.remove(at: i)
        if heldHead == held.count { held.removeAll(keepingCapacity: true); heldHead = 0 }
        return syncProbes()
    }
}
