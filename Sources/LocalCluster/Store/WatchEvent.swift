import DozeJSON

/// One event of a watch, as sent on the wire: `{"type":"ADDED","object":{...}}`.
public struct WatchEvent: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var type: EventType
    public var object: JSON

    public init(_ type: EventType, _ object: JSON) {
        self.type = type
        self.object = object
    }

    public var json: JSON { ["type": .string(type.rawValue), "object": object] }

    /// The resourceVersion the event carries (that of the write, or of the bookmark).
    public var resourceVersion: String { object["metadata"]["resourceVersion"].string ?? "" }

    public var name: String { object["metadata"]["name"].string ?? "" }
    public var namespace: String { object["metadata"]["namespace"].string ?? "" }
}

/// A change the store recorded: kept in the history for watches that start in the past.
struct StoredChange: Sendable {
    var rv: Int
    var resource: GroupResource
    var type: WatchEvent.EventType
    /// The object after the change (for DELETED, its last state with the delete's resourceVersion).
    var object: JSON
    /// The object before the change, to tell watchers with selectors that it stopped matching.
    var previous: JSON?
}

/// What a watch wants to see.
struct WatchFilter: Sendable {
    var resource: GroupResource
    var apiVersion: String
    var namespace: String?
    var labels: LabelSelector
    var fields: FieldSelector

    func matches(_ object: JSON) -> Bool {
        if let namespace, object["metadata"]["namespace"].string ?? "" != namespace { return false }
        return labels.matches(object: object) && fields.matches(object: object)
    }

    /// The event this watch sees for a change, if any: objects entering the selection appear
    /// as ADDED and objects leaving it as DELETED, as kube-apiserver's watch cache does.
    func event(for change: StoredChange) -> WatchEvent? {
        guard change.resource == resource else { return nil }
        let now = matches(change.object)
        let before = change.previous.map(matches) ?? false
        var ev: WatchEvent
        switch change.type {
        case .added: guard now else { return nil }; ev = WatchEvent(.added, change.object)
        case .deleted: guard now else { return nil }; ev = WatchEvent(.deleted, change.object)
        default:
            switch (before, now) {
            case (true, true): ev = WatchEvent(.modified, change.object)
            case (false, true): ev = WatchEvent(.added, change.object)
            case (true, false):
                var gone = change.previous!
                gone["metadata"]["resourceVersion"] = .string(String(change.rv))
                ev = WatchEvent(.deleted, gone)
            case (false, false): return nil
            }
        }
        if ev.object["apiVersion"].string != apiVersion { ev.object["apiVersion"] = .string(apiVersion) }
        return ev
    }
}
