import DozeJSON
import Foundation

/// The store's whole state, mutated only under the store's lock. Every write goes through
/// `commit`, which takes the next resourceVersion, records the change and fans it out to
/// watchers while still under the lock, so each watcher sees changes in resourceVersion order.
struct StoreState: Sendable {
    var revision = 0
    var types: [GroupResource: ResourceType] = [:]
    var objects: [GroupResource: [String: JSON]] = [:]
    var history: EventHistory
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    var nextServiceIP = 1
    /// Set by writes the garbage collector must look at (deletions, owner references).
    var collectorDirty = false
    var changeListeners: [Int: AsyncStream<Void>.Continuation] = [:]

    struct Watcher: Sendable {
        var filter: WatchFilter
        var continuation: AsyncStream<WatchEvent>.Continuation
    }

    init(historyLimit: Int) {
        history = EventHistory(capacity: historyLimit)
    }

    static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    func type(_ gvr: GroupVersionResource) throws(APIError) -> ResourceType {
        guard let t = types[gvr.storageKey], t.versions.contains(gvr.version) else { throw .noSuchResource }
        return t
    }

    func object(_ gr: GroupResource, _ namespace: String, _ name: String) -> JSON? {
        objects[gr]?[Self.key(namespace, name)]
    }

    /// Records a write: stores (or removes) the object under a fresh resourceVersion and tells watchers.
    /// Returns the object as stored.
    @discardableResult
    mutating func commit(_ type: ResourceType, _ eventType: WatchEvent.EventType, _ object: JSON,
                         previous: JSON?) -> JSON {
        revision += 1
        var obj = object
        obj["metadata"]["resourceVersion"] = .string(String(revision))
        let key = Self.key(obj["metadata"]["namespace"].string ?? "", obj["metadata"]["name"].string ?? "")
        if eventType == .deleted {
            objects[type.groupResource]?.removeValue(forKey: key)
        } else {
            objects[type.groupResource, default: [:]][key] = obj
        }
        let change = StoredChange(rv: revision, resource: type.groupResource, type: eventType, object: obj,
                                  previous: previous)
        history.append(change)
        if eventType == .deleted || !obj["metadata"]["deletionTimestamp"].isNull
            || !obj["metadata"]["ownerReferences"].isNull {
            collectorDirty = true
        }
        for l in changeListeners.values { l.yield() }
        for w in watchers.values {
            if let ev = w.filter.event(for: change) { w.continuation.yield(ev) }
        }
        return obj
    }

    /// The stored objects of one resource, sorted by namespace and name (etcd's key order).
    func sortedObjects(_ gr: GroupResource, namespace: String?, pinnedName: String?) -> [(String, JSON)] {
        guard let all = objects[gr] else { return [] }
        if let pinnedName {
            if let namespace { return all[Self.key(namespace, pinnedName)].map { [(Self.key(namespace, pinnedName), $0)] } ?? [] }
            return all.filter { $0.value["metadata"]["name"].string == pinnedName }.sorted { $0.key < $1.key }
        }
        let chosen = namespace.map { ns in all.filter { $0.key.hasPrefix(ns + "/") } } ?? all
        return chosen.sorted { $0.key < $1.key }
    }

    /// Checks that a namespaced object may be created in `namespace`.
    func checkNamespace(_ namespace: String, for gvr: GroupVersionResource, name: String) throws(APIError) {
        guard let ns = object(GroupResource(group: "", resource: "namespaces"), "", namespace) else {
            throw .notFound(.namespaces, namespace)
        }
        if !ns["metadata"]["deletionTimestamp"].isNull {
            throw .forbidden(gvr, name, "unable to create new content in namespace \(namespace) because it is being terminated")
        }
    }

    /// A ClusterIP for a new Service, from 10.96.0.0/12 as kubeadm clusters use.
    mutating func allocateServiceIP() -> String {
        nextServiceIP += 1
        let n = nextServiceIP
        return "10.96.\(n / 256).\(n % 256)"
    }
}
