import KubeClient
import Synchronization

/// Routes from the cluster: watches Apps (`doze.dev/v1alpha1`) and the EndpointSlices of their
/// Services, and publishes a whole route snapshot (static routes first, then one route per
/// routable App) after each change. Events that arrive while a snapshot is being built are
/// folded into the next one, so a burst costs one or two rebuilds and a single change waits for
/// nothing. The first snapshot is published once every watch has listed, so the proxy never
/// answers 404 for an App that exists.
public struct KubeRouteSource: RouteSource {
    public let client: KubeClient
    /// Namespaces to watch; nil watches all.
    public let namespaces: [String]?
    public let staticRoutes: [Route]
    private let log: @Sendable (String) -> Void

    public init(client: KubeClient, namespaces: [String]? = nil, staticRoutes: [Route] = [],
                log: @escaping @Sendable (String) -> Void = ProxyLog.line) {
        self.client = client
        self.namespaces = namespaces.flatMap { $0.isEmpty ? nil : $0 }
        self.staticRoutes = staticRoutes
        self.log = log
    }

    public func run(into store: RouteTableStore) async throws {
        let scopes: [String?] = namespaces ?? [nil]
        let state = SourceBox(SourceState(watches: scopes.count * 2))
        let (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, ns) in scopes.enumerated() {
                let apps = client.api(AppObject.self, namespace: ns)
                    .watcher(WatcherConfig(onError: appsError(watch: 2 * i, state: state, changed: changed)))
                let slices = client.api(EndpointSlice.self, namespace: ns)
                    .watcher(WatcherConfig(labelSelector: EndpointSlice.serviceNameLabel, onError: logError("endpointslices")))
                group.addTask {
                    for try await e in apps {
                        let (publish, found) = state.value.withLock { ($0.apply(app: e, watch: 2 * i), $0.foundAgain(watch: 2 * i)) }
                        if found { log("the App CRD (apps.doze.dev) is installed: routing Apps") }
                        if publish { changed.yield() }
                    }
                }
                group.addTask {
                    for try await e in slices { if state.value.withLock({ $0.apply(slice: e, watch: 2 * i + 1) }) { changed.yield() } }
                }
            }
            group.addTask {
                var reported: [String: String] = [:]
                for await _ in changes {
                    guard let (apps, slices) = state.value.withLock({ $0.snapshot() }) else { continue }
                    store.publish(routes(apps: apps, slices: slices, reported: &reported))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Static routes, then the Apps' routes in key order (so equal host+path resolve the same
    /// way on every replica). Unroutable Apps are skipped and logged once per distinct reason.
    func routes(apps: [ObjectKey: AppObject], slices: [String: [EndpointSlice]], reported: inout [String: String]) -> [Route] {
        var out = staticRoutes
        var seen: [String: String] = [:]
        for key in apps.keys.sorted() {
            do {
                out.append(try AppRouteMapper.route(for: apps[key]!, slices: slices[key.description] ?? []))
            } catch {
                seen[key.description] = error.description
                if reported[key.description] != error.description {
                    log("app \(key) is not routed: \(error)")
                }
            }
        }
        reported = seen
        return out
    }

    /// A 404 on the Apps list means the App CRD is not installed, so there are no Apps: the
    /// watch counts as listed (empty), and the proxy serves its static routes and turns ready
    /// instead of waiting for a list that cannot succeed. The watcher keeps retrying with backoff;
    /// its first successful list (the CRD installed) brings the Apps in, no restart needed.
    private func appsError(watch: Int, state: SourceBox, changed: AsyncStream<Void>.Continuation) -> @Sendable (KubeError) -> Void {
        let log = self.log, other = logError("apps")
        return { e in
            guard e.isNotFound else { return other(e) }
            let (publish, first) = state.value.withLock { $0.markAbsent(watch: watch) }
            if first {
                log("the App CRD (apps.doze.dev) is not installed (404 listing apps): serving static routes only, "
                    + "retrying; install it with `kubectl apply -f deploy/crds/` (the Helm chart installs it)")
            }
            if publish { changed.yield() }
        }
    }

    private func logError(_ what: String) -> @Sendable (KubeError) -> Void {
        let log = self.log
        return { e in log("watching \(what): \(e) (retrying)") }
    }
}

final class SourceBox: Sendable {
    let value: Mutex<SourceState>
    init(_ s: SourceState) { value = Mutex(s) }
}

/// The source's caches: one store per watch (each namespace scope lists into its own, since a
/// relist replaces its store whole), and which watches have completed a first list.
struct SourceState: Sendable {
    private var apps: [StoreState<AppObject>]
    private var slices: [StoreState<EndpointSlice>]
    private let watches: Int
    private var listed: Set<Int> = []
    /// App watches whose list answered 404 (no App CRD): listed as empty until a list succeeds.
    private var absent: Set<Int> = []

    /// `watches`: two per namespace scope; app watches have even numbers, slice watches odd.
    init(watches: Int) {
        self.watches = watches
        apps = Array(repeating: StoreState(), count: (watches + 1) / 2)
        slices = Array(repeating: StoreState(), count: (watches + 1) / 2)
    }

    /// Applies an event from watch number `watch`; true when a snapshot should be (re)built.
    mutating func apply(app event: WatcherEvent<AppObject>, watch: Int) -> Bool {
        apps[watch / 2].apply(event)
        return settle(event.isInitProgress, event.isInitDone, watch)
    }

    /// The App watch `watch` found no App resource: its Apps are gone and it counts as listed.
    /// Returns (publish a snapshot, first 404 since the resource was last seen).
    mutating func markAbsent(watch: Int) -> (Bool, Bool) {
        let first = absent.insert(watch).inserted
        apps[watch / 2] = StoreState()
        listed.insert(watch)
        return (isReady && first, first)
    }

    /// True once, when an App watch that had found no App resource receives events again.
    mutating func foundAgain(watch: Int) -> Bool { absent.remove(watch) != nil }

    mutating func apply(slice event: WatcherEvent<EndpointSlice>, watch: Int) -> Bool {
        slices[watch / 2].apply(event)
        return settle(event.isInitProgress, event.isInitDone, watch)
    }

    private mutating func settle(_ inProgress: Bool, _ done: Bool, _ watch: Int) -> Bool {
        if done { listed.insert(watch) }
        return isReady && !inProgress
    }

    /// Every watch has listed at least once.
    var isReady: Bool { listed.count >= watches }

    func snapshot() -> ([ObjectKey: AppObject], [String: [EndpointSlice]])? {
        guard isReady else { return nil }
        var allApps: [ObjectKey: AppObject] = [:]
        for store in apps { allApps.merge(store.objects) { a, _ in a } }
        var byService: [String: [EndpointSlice]] = [:]
        for store in slices {
            for (key, s) in store.objects {
                guard let service = s.serviceName else { continue }
                byService[key.namespace + "/" + service, default: []].append(s)
            }
        }
        return (allApps, byService)
    }
}

extension WatcherEvent {
    var isInitDone: Bool {
        if case .initDone = self { return true }
        return false
    }

    /// Events inside a (re)list bracket: the snapshot is rebuilt at its `.initDone`.
    var isInitProgress: Bool {
        switch self {
        case .initStarted, .initApply: true
        default: false
        }
    }
}
