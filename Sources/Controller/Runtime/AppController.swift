import DozeJSON
import Foundation
import KubeClient
import Synchronization

/// Settings of the App controller (the `doze controller` flags).
public struct ControllerOptions: Sendable {
    /// nil: every namespace; else one watcher per namespace.
    public var namespaces: [String]?
    public var workers: Int
    public var leaseNamespace: String
    public var leaseName: String
    public var election: LeaderElectionConfig
    public var render: RenderContext
    /// How long each watch runs before the server ends it and the watcher resumes.
    public var watchTimeoutSeconds: Int
    /// The proxy admin Service (`--proxy-service`): with it, the leader puts idle Apps to sleep
    /// and scales awake ones by concurrency; without it, nothing sleeps.
    public var proxyService: ProxyDiscovery.ServiceRef?
    public var sleep: SleepSettings

    public init(namespaces: [String]? = nil, workers: Int = 4, leaseNamespace: String = "default",
                leaseName: String = "doze-controller", election: LeaderElectionConfig,
                render: RenderContext = RenderContext(baseURL: "http://localhost:8080"), watchTimeoutSeconds: Int = 290,
                proxyService: ProxyDiscovery.ServiceRef? = nil, sleep: SleepSettings = SleepSettings()) {
        self.proxyService = proxyService
        self.sleep = sleep
        self.namespaces = namespaces
        self.workers = workers
        self.leaseNamespace = leaseNamespace
        self.leaseName = leaseName
        self.election = election
        self.render = render
        self.watchTimeoutSeconds = watchTimeoutSeconds
    }
}

/// The App controller: informers for Apps and their children (always running, so a follower's
/// caches are warm), a Lease election, and while leading a work queue with N workers calling the
/// reconciler. Each term of leadership gets a fresh queue filled with every App.
public final class AppController: Sendable {
    public static let managedBySelector = "app.kubernetes.io/managed-by=doze"

    public let metrics: ControllerMetrics
    public let stores: ControllerStores
    public let reconciler: Reconciler
    /// The leader's sleep service; nil without `proxyService`.
    public let sleeper: SleepLoop?
    private let options: ControllerOptions
    private let routes = RouteIndex()
    private let election: LeaseElection
    private let queue = Mutex<WorkQueue<String>?>(nil)
    private let term = Mutex<Task<Void, Never>?>(nil)

    public init(client: KubeClient, options: ControllerOptions, metrics: ControllerMetrics = ControllerMetrics(),
                clock: RuntimeClock = .continuous) {
        self.options = options
        self.metrics = metrics
        let box = WeakBox()
        let routes = self.routes
        func informers(_ resource: ResourceType, selector: String?, onChange: @escaping @Sendable (ObjectCache.Change) -> Void) -> KindStore {
            let namespaces: [String?] = options.namespaces ?? [nil]
            let list = namespaces.map { ns in
                Informer(name: resource.plural, api: client.dynamicApi(resource, namespace: ns),
                         config: WatcherConfig(labelSelector: selector, timeoutSeconds: options.watchTimeoutSeconds,
                                               onError: { _ in metrics.watchError() }),
                         onChange: onChange)
            }
            return KindStore(informers: list, namespaces: options.namespaces)
        }
        let appChanged: @Sendable (ObjectCache.Change) -> Void = { change in
            guard let obj = change.new ?? change.old else { return }
            let key = ObjectCache.key(of: obj)
            let peers = routes.update(key: key, object: change.new)
            box.value?.enqueue([key] + peers)
        }
        let childChanged: @Sendable (ObjectCache.Change) -> Void = { change in
            guard let obj = change.new ?? change.old, let owner = Self.owningApp(of: obj) else { return }
            box.value?.enqueue([owner])
        }
        let deploymentChanged: @Sendable (ObjectCache.Change) -> Void = { change in
            box.value?.sleeper?.deploymentChanged(change)
            childChanged(change)
        }
        // An HPA's target is the App of the same name (the Deployment carries the App's name).
        let autoscalerChanged: @Sendable (ObjectCache.Change) -> Void = { change in
            let keys = [change.old, change.new].compactMap { $0.flatMap(AutoscalerIndex.target(of:)) }
            box.value?.enqueue(keys)
        }
        stores = ControllerStores(
            apps: informers(.app, selector: nil, onChange: appChanged),
            deployments: informers(.deployment, selector: Self.managedBySelector, onChange: deploymentChanged),
            services: informers(.service, selector: Self.managedBySelector, onChange: childChanged),
            claims: informers(.persistentVolumeClaim, selector: Self.managedBySelector, onChange: childChanged),
            autoscalers: informers(AutoscalerIndex.resource, selector: nil, onChange: autoscalerChanged))
        let identity = options.election.identity
        let events = EventRecorder(client: client, instance: identity)
        reconciler = Reconciler(client: client, stores: stores, routes: routes, context: options.render,
                                events: events, metrics: metrics)
        if let proxy = options.proxyService {
            let slices = Informer(name: "proxy-endpointslices", api: client.dynamicApi(.endpointSlice, namespace: proxy.namespace),
                                  config: WatcherConfig(labelSelector: proxy.sliceSelector, timeoutSeconds: options.watchTimeoutSeconds,
                                                        onError: { _ in metrics.watchError() }),
                                  onChange: { _ in })
            sleeper = SleepLoop(client: client, stores: stores, proxies: slices, events: events, metrics: metrics, settings: options.sleep,
                                clock: clock)
        } else {
            sleeper = nil
        }
        election = LeaseElection(client: client, namespace: options.leaseNamespace, name: options.leaseName,
                                 config: options.election, clock: clock)
        box.value = self
    }

    /// The App a child belongs to: its `doze.dev/app` label, else its controlling owner reference.
    static func owningApp(of child: JSON) -> String? {
        let meta = child["metadata"]
        let ns = meta["namespace"].string ?? ""
        if let name = meta["labels"][Controller.App.appLabel].string { return "\(ns)/\(name)" }
        let owner = (meta["ownerReferences"].array ?? []).first { $0["kind"] == "App" && $0["controller"] == true }
        return owner?["name"].string.map { "\(ns)/\($0)" }
    }

    private var allInformers: [Informer] {
        stores.apps.informers + stores.deployments.informers + stores.services.informers + stores.claims.informers
            + (stores.autoscalers?.informers ?? [])
    }

    /// Every cache has its first complete list (what /readyz reports).
    public var isSynced: Bool { allInformers.allSatisfy(\.isSynced) }
    public var isLeader: Bool { metrics.isLeader }

    /// Runs until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for informer in allInformers { group.addTask { await informer.run() } }
            if let sleeper { group.addTask { await sleeper.proxies.run() } }
            group.addTask {
                await self.election.run { leading in await self.setLeading(leading) }
            }
            await group.next()
            group.cancelAll()
        }
        await setLeading(false)
    }

    private func enqueue(_ keys: [String]) {
        guard let q = queue.withLock({ $0 }) else { return }
        Task { for k in keys { await q.add(k) } }
    }

    private func setLeading(_ leading: Bool) async {
        metrics.setLeader(leading)
        if leading {
            let q = WorkQueue<String>()
            queue.withLock { $0 = q }
            let task = Task { await self.lead(q) }
            term.withLock { $0 = task }
        } else {
            let q = queue.withLock { s -> WorkQueue<String>? in defer { s = nil }; return s }
            let task = term.withLock { s -> Task<Void, Never>? in defer { s = nil }; return s }
            await q?.shutDown()
            task?.cancel()
            await task?.value
        }
    }

    /// One term of leadership: wait for the caches, queue every App, run the workers.
    private func lead(_ q: WorkQueue<String>) async {
        for informer in allInformers { await informer.waitSynced() }
        if Task.isCancelled { return }
        for app in stores.apps.all { await q.add(ObjectCache.key(of: app)) }
        await withTaskGroup(of: Void.self) { group in
            if let sleeper { group.addTask { await sleeper.run() } }
            group.addTask { await self.work(q) }
        }
    }

    private func work(_ q: WorkQueue<String>) async {
        let metrics = self.metrics, reconciler = self.reconciler
        await q.runWorkers(options.workers) { key in
            let start = ContinuousClock.now
            defer { Task { metrics.setQueueDepth(await q.depth) } }
            do {
                let outcome = try await reconciler.reconcile(key)
                let result = outcome == .done ? "success" : "requeue"
                metrics.reconciled(result: result, seconds: Self.seconds(since: start))
                return outcome
            } catch {
                metrics.reconciled(result: "error", seconds: Self.seconds(since: start))
                throw error
            }
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = start.duration(to: .now)
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Lets the informer callbacks, made before `self` exists, reach the controller (weakly: the
/// controller owns the informers that hold the callbacks).
private final class WeakBox: @unchecked Sendable {
    private let lock = NSLock()
    private weak var ref: AppController?
    var value: AppController? {
        get { lock.withLock { ref } }
        set { lock.withLock { ref = newValue } }
    }
}

