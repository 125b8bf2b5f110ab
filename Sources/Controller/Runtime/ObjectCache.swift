import DozeJSON
import Synchronization

/// An in-memory copy of the objects one watcher sees, keyed `namespace/name`. The reconciler
/// reads only from caches (never GETs), so a steady state costs the API server nothing.
public final class ObjectCache: Sendable {
    /// One change seen by the cache: the object before and after (nil = absent).
    public struct Change: Sendable {
        public var old: JSON?
        public var new: JSON?
    }

    private let objects = Mutex<[String: JSON]>([:])

    public init() {}

    public static func key(of object: JSON) -> String {
        let meta = object["metadata"]
        return "\(meta["namespace"].string ?? "")/\(meta["name"].string ?? "")"
    }

    public func get(_ key: String) -> JSON? { objects.withLock { $0[key] } }
    public var count: Int { objects.withLock { $0.count } }
    public var all: [JSON] { objects.withLock { Array($0.values) } }
    public var keys: [String] { objects.withLock { Array($0.keys) } }

    /// Stores an object seen by a watch; returns the change (nil when nothing changed).
    @discardableResult
    public func upsert(_ object: JSON) -> Change? {
        let key = Self.key(of: object)
        let old = objects.withLock { s -> JSON? in
            let old = s[key]
            s[key] = object
            return old
        }
        return old == object ? nil : Change(old: old, new: object)
    }

    @discardableResult
    public func remove(_ object: JSON) -> Change? {
        let old = objects.withLock { $0.removeValue(forKey: Self.key(of: object)) }
        return old.map { Change(old: $0, new: nil) }
    }

    /// Swaps in a complete list (after a relist): objects absent from it were deleted while the
    /// watcher was away. Returns every change, deletions included.
    public func replaceAll(_ list: [JSON]) -> [Change] {
        var fresh: [String: JSON] = [:]
        for o in list { fresh[Self.key(of: o)] = o }
        let old = objects.withLock { s -> [String: JSON] in
            let old = s
            s = fresh
            return old
        }
        var changes: [Change] = []
        for (k, v) in fresh where old[k] != v { changes.append(Change(old: old[k], new: v)) }
        for (k, v) in old where fresh[k] == nil { changes.append(Change(old: v, new: nil)) }
        return changes
    }

    /// Write-through of the answer to our own write, so the next reconcile does not act on the
    /// copy from before it; ignored when the watch has already delivered that version or a newer
    /// one (a write-through may be a local edit of an older copy, e.g. the sleep loop's scale:
    /// the watch's object of the same version is the real one, status included).
    public func writeThrough(_ object: JSON) {
        let key = Self.key(of: object)
        objects.withLock { s in
            if let cur = s[key], Self.isNewer(cur, than: object) || Self.sameVersion(cur, object) { return }
            s[key] = object
        }
    }

    static func sameVersion(_ a: JSON, _ b: JSON) -> Bool {
        guard let x = a[path: "metadata", "resourceVersion"].string else { return false }
        return x == b[path: "metadata", "resourceVersion"].string
    }

    /// resourceVersions are opaque, but every server we talk to uses integers; when they are
    /// not, assume the cached copy is not newer.
    static func isNewer(_ a: JSON, than b: JSON) -> Bool {
        guard let x = a[path: "metadata", "resourceVersion"].string.flatMap(Int.init),
              let y = b[path: "metadata", "resourceVersion"].string.flatMap(Int.init) else { return false }
        return x > y
    }
}
