import Synchronization

/// Holds the current `RouteTable` and publishes new ones. Writers (a route source) take a lock;
/// readers on the data path go through a per-loop `RouteTableReader`, which touches only an
/// atomic version number per request and takes the lock once per published snapshot.
public final class RouteTableStore: Sendable {
    private let table: Mutex<RouteTable>
    private let version = Atomic<UInt64>(0)
    private let metricSlot: @Sendable (Route) -> Int
    private let apps: AppRegistry?
    private let loaded = Atomic<Bool>(false)
    private let loadWaiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    /// `apps` binds App routes to their runtimes and is told about every snapshot (so wake
    /// shells see endpoint changes); without it App routes behave like static ones.
    public init(metricSlot: @escaping @Sendable (Route) -> Int = { _ in 0 }, apps: AppRegistry? = nil) {
        table = Mutex(RouteTable.empty)
        self.metricSlot = metricSlot
        self.apps = apps
    }

    /// Builds and publishes a snapshot of `routes`; readers see it on their next request.
    public func publish(_ routes: [Route]) {
        let apps = self.apps
        let published = table.withLock { current in
            let next = RouteTable(routes: routes, generation: current.generation + 1, metricSlot: metricSlot,
                                  app: { apps?.runtime(for: $0.app!) })
            current = next
            version.store(next.generation, ordering: .releasing)
            return next
        }
        apps?.observe(published)
        loaded.store(true, ordering: .releasing)
        let waiters = loadWaiters.withLock { w in
            defer { w = [] }
            return w
        }
        for w in waiters { w.resume() }
    }

    /// Returns once the first snapshot has been published.
    public func waitUntilLoaded() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = loadWaiters.withLock { w -> Bool in
                if isLoaded { return true }
                w.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    /// True once a route source has published at least once (even an empty list).
    public var isLoaded: Bool { loaded.load(ordering: .acquiring) }

    /// The current snapshot (takes the lock: for admin endpoints and tests, not per request).
    public var current: RouteTable { table.withLock { $0 } }

    public func makeReader() -> RouteTableReader { RouteTableReader(store: self) }

    fileprivate var currentVersion: UInt64 { version.load(ordering: .acquiring) }
}

/// A per-loop view of the store: each call to `current()` costs one atomic load unless a new
/// snapshot was published. Not `Sendable`: each event loop owns one.
public struct RouteTableReader {
    private let store: RouteTableStore
    private var seen: UInt64
    private var table: RouteTable

    init(store: RouteTableStore) {
        self.store = store
        table = store.current.loopCopy()
        seen = table.generation
    }

    /// The newest snapshot, as this loop's own copy (made once per snapshot, off the lock).
    public mutating func current() -> RouteTable {
        if store.currentVersion != seen {
            table = store.current.loopCopy()
            seen = table.generation
        }
        return table
    }
}

/// Where routes come from: the static file now, App objects and EndpointSlices later. A source
/// publishes whole snapshots into the store, first before `run` returns control or as soon as
/// it can, then on every change until cancelled.
public protocol RouteSource: Sendable {
    func run(into store: RouteTableStore) async throws
}

/// Routes read once at startup from `--static-routes`.
public struct StaticRouteSource: RouteSource {
    public let routes: [Route]
    public init(routes: [Route]) { self.routes = routes }

    public func run(into store: RouteTableStore) async throws {
        store.publish(routes)
    }
}
