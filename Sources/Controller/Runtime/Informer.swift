import DozeJSON
import KubeClient
import Synchronization

/// A watcher feeding an `ObjectCache`, kube-runtime's reflector: it applies every event to the
/// cache and reports each change (old and new object) to `onChange`, which maps it to work-queue
/// keys. Level-triggered: the handler sees states, never event types, and a relist reports the
/// objects deleted while the watcher was away as changes to nil.
public final class Informer: Sendable {
    public let cache = ObjectCache()
    public let name: String
    private let watcher: Watcher<DynamicObject>
    private let onChange: @Sendable (ObjectCache.Change) -> Void
    private let sync = Mutex<(synced: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init(name: String, api: Api<DynamicObject>, config: WatcherConfig,
                onChange: @escaping @Sendable (ObjectCache.Change) -> Void) {
        self.name = name
        watcher = api.watcher(config)
        self.onChange = onChange
    }

    /// True once the first complete list is in the cache.
    public var isSynced: Bool { sync.withLock { $0.synced } }

    /// Returns once the first complete list is in the cache (or the task is cancelled).
    public func waitSynced() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = sync.withLock { s -> Bool in
                    // Checked under the lock: a cancellation after this point finds the waiter.
                    if s.synced || Task.isCancelled { return true }
                    s.waiters.append(c)
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            self.releaseWaiters()
        }
    }

    private func releaseWaiters() {
        let waiters = sync.withLock { s -> [CheckedContinuation<Void, Never>] in
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Runs until cancelled; the watcher recovers from every API error by itself.
    public func run() async {
        var buffer: [JSON] = []
        do {
            for try await event in watcher {
                switch event {
                case .initStarted: buffer = []
                case .initApply(let o): buffer.append(o.json)
                case .initDone:
                    for change in cache.replaceAll(buffer) { onChange(change) }
                    buffer = []
                    markSynced()
                case .apply(let o): if let c = cache.upsert(o.json) { onChange(c) }
                case .delete(let o): if let c = cache.remove(o.json) { onChange(c) }
                }
            }
        } catch {}
        releaseWaiters()
    }

    private func markSynced() {
        let waiters = sync.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.synced = true
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }
}

/// One kind watched in several namespaces (or all): reads go to the informer of the key's
/// namespace.
public struct KindStore: Sendable {
    public let informers: [Informer]
    /// Namespace → informer; empty when a single informer watches all namespaces.
    private let byNamespace: [String: Informer]

    public init(informers: [Informer], namespaces: [String]?) {
        self.informers = informers
        var map: [String: Informer] = [:]
        if let namespaces { for (ns, inf) in zip(namespaces, informers) { map[ns] = inf } }
        byNamespace = map
    }

    private func cache(for key: String) -> ObjectCache? {
        if byNamespace.isEmpty { return informers.first?.cache }
        let ns = String(key.prefix { $0 != "/" })
        return byNamespace[ns]?.cache
    }

    public func get(_ key: String) -> JSON? { cache(for: key)?.get(key) }
    public func get(namespace: String, name: String) -> JSON? { get("\(namespace)/\(name)") }
    public func writeThrough(_ object: JSON) { cache(for: ObjectCache.key(of: object))?.writeThrough(object) }
    public var all: [JSON] { informers.flatMap { $0.cache.all } }
    public var isSynced: Bool { informers.allSatisfy(\.isSynced) }
    public func waitSynced() async { for i in informers { await i.waitSynced() } }
}
