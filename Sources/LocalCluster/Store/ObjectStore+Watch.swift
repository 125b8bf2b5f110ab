import DozeJSON
import Synchronization

/// An open watch: its events, and a way to ask for a BOOKMARK. The bookmark is queued behind
/// every event already sent, so its resourceVersion never overtakes an undelivered change.
public struct StoreWatch: Sendable {
    public let events: AsyncStream<WatchEvent>
    let id: Int
    let store: ObjectStore

    /// Queues a BOOKMARK carrying the store's current resourceVersion.
    public func bookmark() { store.sendBookmark(to: id) }

    /// Ends the event stream.
    public func stop() { store.stopWatch(id) }
}

/// Where a watch starts and what it selects.
public struct WatchOptions: Sendable {
    public var namespace: String?
    public var labelSelector: LabelSelector
    public var fieldSelector: FieldSelector
    /// nil, "" or "0": synthetic ADDED events for the current objects, then changes.
    /// "N": every change after N (410 Expired if the history no longer reaches back to N).
    public var resourceVersion: String?

    public init(namespace: String? = nil, labelSelector: LabelSelector = .everything,
                fieldSelector: FieldSelector = .everything, resourceVersion: String? = nil) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
    }
}

extension ObjectStore {
    /// Watches a resource; the stream ends when the consumer stops iterating it.
    public func watch(_ gvr: GroupVersionResource, namespace: String? = nil,
                      labelSelector: LabelSelector = .everything, fieldSelector: FieldSelector = .everything,
                      from resourceVersion: String? = nil) throws(APIError) -> AsyncStream<WatchEvent> {
        try openWatch(gvr, WatchOptions(namespace: namespace, labelSelector: labelSelector,
                                        fieldSelector: fieldSelector, resourceVersion: resourceVersion)).events
    }

    public func openWatch(_ gvr: GroupVersionResource, _ options: WatchOptions) throws(APIError) -> StoreWatch {
        if let a = alias(gvr) { return try openAliasedWatch(gvr, a, options) }
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self)
        let id = try state.withLock { (s) throws(APIError) -> Int in
            let type = try s.type(gvr)
            try options.fieldSelector.check(supported: type)
            let ns = type.namespaced ? options.namespace.flatMap { $0.isEmpty ? nil : $0 } : nil
            let filter = WatchFilter(resource: type.groupResource, apiVersion: gvr.groupVersion, namespace: ns,
                                     labels: options.labelSelector, fields: options.fieldSelector)
            let rvText = options.resourceVersion ?? ""
            if rvText.isEmpty || rvText == "0" {
                for (_, obj) in s.sortedObjects(type.groupResource, namespace: ns,
                                                pinnedName: options.fieldSelector.pinnedName) where filter.matches(obj) {
                    var o = obj
                    o["apiVersion"] = .string(gvr.groupVersion)
                    continuation.yield(WatchEvent(.added, o))
                }
            } else {
                guard let rv = Int(rvText), rv >= 0 else {
                    throw .badRequest("resourceVersion: Invalid value: \"\(rvText)\": must be an integer")
                }
                guard s.history.covers(after: rv, current: s.revision) else {
                    let oldest = (s.history.oldestRV ?? s.revision + 1) - 1
                    throw .expired("too old resource version: \(rv) (\(oldest))")
                }
                for change in s.history.changes(after: rv) {
                    if let ev = filter.event(for: change) { continuation.yield(ev) }
                }
            }
            s.nextWatcherID += 1
            s.watchers[s.nextWatcherID] = StoreState.Watcher(filter: filter, continuation: continuation)
            return s.nextWatcherID
        }
        continuation.onTermination = { [weak self] _ in let store = self; outsideTermination { store?.removeWatcher(id) } }
        return StoreWatch(events: stream, id: id, store: self)
    }

    /// A watch on the stored kind, each event converted on its way out.
    private func openAliasedWatch(_ gvr: GroupVersionResource, _ a: StorageAlias,
                                  _ options: WatchOptions) throws(APIError) -> StoreWatch {
        if let t = resourceType(gvr) { try options.fieldSelector.check(supported: t) }
        var opts = options
        opts.fieldSelector = a.translate(options.fieldSelector)
        let inner = try openWatch(a.storage, opts)
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self)
        let pump = Task {
            for await ev in inner.events {
                var e = ev
                if e.type != .error { e.object = a.fromStorage(e.object) }
                continuation.yield(e)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            pump.cancel()
            inner.stop()
        }
        return StoreWatch(events: stream, id: inner.id, store: self)
    }

    func sendBookmark(to id: Int) {
        state.withLock { s in
            guard let w = s.watchers[id] else { return }
            let type = s.types[w.filter.resource]
            let obj: JSON = ["kind": .string(type?.kind ?? ""), "apiVersion": .string(w.filter.apiVersion),
                             "metadata": ["resourceVersion": .string(String(s.revision))]]
            w.continuation.yield(WatchEvent(.bookmark, obj))
        }
    }

    func removeWatcher(_ id: Int) {
        _ = state.withLock { $0.watchers.removeValue(forKey: id) }
    }

    /// Finishes a watch's stream (outside the lock: finishing runs onTermination, which takes it).
    func stopWatch(_ id: Int) {
        let w = state.withLock { $0.watchers.removeValue(forKey: id) }
        w?.continuation.finish()
    }

    /// Number of open watches (for tests and metrics).
    public var watchCount: Int { state.withLock { $0.watchers.count } }
}
