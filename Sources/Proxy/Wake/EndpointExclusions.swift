/// Endpoints a proxy must not use although the EndpointSlices may still list them: after the
/// controller put the App to sleep (`/unfence` with `slept: true`), the endpoints known at fence
/// time belong to pods being terminated. Each exclusion ends when that pod's endpoint leaves the
/// slices (a new pod reusing the address is not excluded) or after `maxAge`, whichever is first.
/// Pure; the wake shell applies it to each endpoint observation.
public struct EndpointExclusions<Endpoint: Hashable & Sendable>: Sendable {
    public static var maxAge: Duration { .seconds(120) }

    private struct Entry: Sendable {
        let owner: String
        let until: Duration
    }
    private var entries: [Endpoint: Entry] = [:]

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
    public var endpoints: Set<Endpoint> { Set(entries.keys) }

    /// Excludes `present` (endpoint → owning pod, as known at fence time) from now on.
    public mutating func exclude(_ present: [Endpoint: String], now: Duration) {
        for (ep, owner) in present { entries[ep] = Entry(owner: owner, until: now + Self.maxAge) }
    }

    /// Drops exclusions whose pod left the slices (`present` is the slices' current content) or
    /// that are too old. Returns true when something changed.
    @discardableResult
    public mutating func expire(present: [Endpoint: String], now: Duration) -> Bool {
        let before = entries.count
        entries = entries.filter { ep, e in e.until > now && present[ep] == e.owner }
        return entries.count != before
    }

    public func contains(_ ep: Endpoint) -> Bool { entries[ep] != nil }

    /// The earliest time an exclusion ends by age, for a timer.
    public var nextExpiry: Duration? { entries.values.map(\.until).min() }
}
