import DozeJSON
import Foundation
import Synchronization

/// The cluster's in-memory object store: what etcd plus the generic registry are to
/// kube-apiserver. Thread-safe; controllers in this process call it directly, and the HTTP
/// API server is a thin layer over it.
///
/// Objects are JSON trees keyed by resource, namespace and name. One global revision counter
/// gives every write its resourceVersion; watches see each change in that order.
public final class ObjectStore: Sendable {
    let state: Mutex<StoreState>
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - historyLimit: how many changes are kept for watches that start in the past.
    ///   - now: the clock for timestamps.
    ///   - bootstrap: registers the built-in kinds and creates the `default`, `kube-system`,
    ///     `kube-public` and `kube-node-lease` namespaces.
    public init(historyLimit: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }, bootstrap: Bool = true) {
        state = Mutex(StoreState(historyLimit: historyLimit))
        self.now = now
        guard bootstrap else { return }
        for t in BuiltinResources.all { register(t) }
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            _ = try? create(.namespaces, ["metadata": ["name": .string(ns)]])
        }
    }

    // MARK: Types

    /// Serves a kind (built-in or from a CRD); replaces an earlier registration of the same group and resource.
    public func register(_ type: ResourceType) {
        state.withLock { $0.types[type.groupResource] = type }
    }

    /// Stops serving a kind and drops its objects.
    public func unregister(_ resource: GroupResource) {
        state.withLock {
            $0.types.removeValue(forKey: resource)
            $0.objects.removeValue(forKey: resource)
        }
    }

    public func resourceTypes() -> [ResourceType] {
        state.withLock { Array($0.types.values) }
    }

    public func resourceType(_ gvr: GroupVersionResource) -> ResourceType? {
        state.withLock { try? $0.type(gvr) }
    }

    public func resourceType(_ resource: GroupResource) -> ResourceType? {
        state.withLock { $0.types[resource] }
    }

    /// The conversion when `gvr` is served from another kind's storage.
    func alias(_ gvr: GroupVersionResource) -> StorageAlias? {
        state.withLock { $0.types[gvr.storageKey]?.alias }
    }

    /// The current global resourceVersion.
    public var resourceVersion: String { state.withLock { String($0.revision) } }

    // MARK: Reads

    public func get(_ gvr: GroupVersionResource, namespace: String? = nil, name: String) throws(APIError) -> JSON {
        if let a = alias(gvr) { return a.fromStorage(try get(a.storage, namespace: namespace, name: name)) }
        return try state.withLock { (s) throws(APIError) -> JSON in
            let type = try s.type(gvr)
            guard var obj = s.object(type.groupResource, type.namespaced ? namespace ?? "" : "", name) else {
                throw .notFound(gvr, name)
            }
            if obj["apiVersion"].string != gvr.groupVersion { obj["apiVersion"] = .string(gvr.groupVersion) }
            return obj
        }
    }

    public func list(_ gvr: GroupVersionResource, _ options: ListOptions = ListOptions()) throws(APIError) -> ObjectList {
        if let a = alias(gvr) {
            if let t = resourceType(gvr) { try options.fieldSelector.check(supported: t) }
            var opts = options
            opts.fieldSelector = a.translate(options.fieldSelector)
            var l = try list(a.storage, opts)
            l.items = l.items.map(a.fromStorage)
            return l
        }
        return try state.withLock { (s) throws(APIError) -> ObjectList in try s.list(gvr, options) }
    }

    /// Lists with selectors in their query-string form.
    public func list(_ gvr: GroupVersionResource, namespace: String? = nil, labelSelector: String? = nil,
                     fieldSelector: String? = nil) throws(APIError) -> ObjectList {
        try list(gvr, ListOptions(namespace: namespace,
                                  labelSelector: try labelSelector.map { (t) throws(APIError) in try LabelSelector(parsing: t) } ?? .everything,
                                  fieldSelector: try fieldSelector.map { (t) throws(APIError) in try FieldSelector(parsing: t) } ?? .everything))
    }

    // MARK: Writes

    /// Creates an object; `metadata.namespace` names its namespace for namespaced kinds.
    @discardableResult
    public func create(_ gvr: GroupVersionResource, _ object: JSON, dryRun: Bool = false) throws(APIError) -> JSON {
        if let a = alias(gvr) { return a.fromStorage(try create(a.storage, a.toStorage(object), dryRun: dryRun)) }
        let t = now()
        return try state.withLock { (s) throws(APIError) -> JSON in try s.create(gvr, object, now: t, dryRun: dryRun) }
    }

    /// Replaces the main resource (status kept as stored when the kind has a status subresource).
    /// A `metadata.resourceVersion` in `object` must match the stored one (409 Conflict).
    @discardableResult
    public func update(_ gvr: GroupVersionResource, _ object: JSON, dryRun: Bool = false) throws(APIError) -> JSON {
        try write(gvr, object, target: .main, dryRun: dryRun).object
    }

    /// Replaces only the status.
    @discardableResult
    public func updateStatus(_ gvr: GroupVersionResource, _ object: JSON, dryRun: Bool = false) throws(APIError) -> JSON {
        try write(gvr, object, target: .status, dryRun: dryRun).object
    }

    /// PUT in general: returns the stored object and whether the write created it.
    public func write(_ gvr: GroupVersionResource, _ object: JSON, target: WriteTarget,
                      dryRun: Bool = false) throws(APIError) -> (object: JSON, created: Bool) {
        if let a = alias(gvr) {
            let (o, c) = try write(a.storage, a.toStorage(object), target: target, dryRun: dryRun)
            return (a.fromStorage(o), c)
        }
        let t = now()
        return try state.withLock { (s) throws(APIError) -> (object: JSON, created: Bool) in
            let (o, c) = try s.update(gvr, object, target: target, now: t, dryRun: dryRun)
            return (o, c)
        }
    }

    /// Reads, changes and writes one object atomically, so controllers need no conflict retries.
    /// `body` runs under the store's lock: keep it short and do not call the store from it.
    @discardableResult
    public func modify(_ gvr: GroupVersionResource, namespace: String? = nil, name: String, target: WriteTarget = .main,
                       _ body: (inout JSON) throws(APIError) -> Void) throws(APIError) -> JSON {
        if let a = alias(gvr) {
            return a.fromStorage(try modify(a.storage, namespace: namespace, name: name, target: target) { (o) throws(APIError) in
                var v = a.fromStorage(o)
                try body(&v)
                o = a.toStorage(v)
            })
        }
        let t = now()
        return try state.withLock { (s) throws(APIError) -> JSON in
            let type = try s.type(gvr)
            guard var obj = s.object(type.groupResource, type.namespaced ? namespace ?? "" : "", name) else {
                throw .notFound(gvr, name)
            }
            try body(&obj)
            return try s.update(gvr, obj, target: target, now: t, dryRun: false).0
        }
    }

    @discardableResult
    public func delete(_ gvr: GroupVersionResource, namespace: String? = nil, name: String,
                       options: DeleteOptions = DeleteOptions()) throws(APIError) -> DeleteResult {
        if let a = alias(gvr) {
            switch try delete(a.storage, namespace: namespace, name: name, options: options) {
            case .deleted(let o): return .deleted(a.fromStorage(o))
            case .pending(let o): return .pending(a.fromStorage(o))
            }
        }
        let t = now()
        return try state.withLock { (s) throws(APIError) -> DeleteResult in
            try s.delete(gvr, namespace: namespace ?? "", name: name, options: options, now: t)
        }
    }
}
