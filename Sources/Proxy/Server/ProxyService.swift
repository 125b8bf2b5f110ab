import HTTPCore

/// The proxy process's long-running part: the data-path listener on its event loops, the admin
/// listener, and the route source feeding the snapshot store. Both listeners are bound by `init`
/// (so ports chosen by the kernel can be printed before `run`).
public final class ProxyService: Sendable {
    public let port: Int
    public let adminPort: Int
    public let store: RouteTableStore
    public let metrics: ProxyMetrics
    public let readiness: ProxyReadiness
    /// Per-App activity and wake shells (what `/activity` and `/fence` read).
    public let apps: AppRegistry
    private let server: HTTPConnectionServer
    private let admin: HTTPServer
    private let source: any RouteSource
    private let states: [LoopBound<ProxyLoopState>]

    /// `scaler` wakes Apps (a `KubeAppScaler` in production); without one, a request for a
    /// sleeping App waits for someone else to wake it, then gets 503 at its startup timeout.
    public init(options: ProxyOptions, source: any RouteSource, activity: ActivityTracker? = nil,
                scaler: (any AppScaler)? = nil) throws {
        let loopCount = options.loops == 0 ? EventLoopGroup.coreCount : options.loops
        let metrics = ProxyMetrics(loops: loopCount)
        let group = try EventLoopGroup(loops: loopCount)
        let tracker = activity ?? ActivityTracker(replica: options.replicaID ?? ReplicaID.default())
        let apps = AppRegistry(activity: tracker, scaler: scaler ?? NoScaler(), probeLoop: group.loops[0], metrics: metrics.wake,
                               queueCapacity: options.wakeQueue, admitPerBackend: options.wakeAdmit)
        let store = RouteTableStore(metricSlot: { metrics.routeSlot($0.name) }, apps: apps)
        let readiness = ProxyReadiness(store: store)
        let settings = ProxySettings(options)
        let states = group.loops.map { loop in
            LoopBound(ProxyLoopState(routes: store.makeReader(), metrics: metrics.loops[loop.index], settings: settings))
        }
        let configuration = HTTPServerConfiguration(
            headerTimeoutNanoseconds: Int64(options.headerTimeout * 1e9),
            keepAliveTimeoutNanoseconds: Int64(options.idleTimeout * 1e9),
            shutdownGraceNanoseconds: Int64(options.shutdownGrace * 1e9))
        server = try HTTPConnectionServer(host: options.bindHost, port: options.port, group: group,
                                          configuration: configuration) { exchange in
            ProxyHandler.handle(exchange, states[exchange.loop.index].value)
        }
        let endpoints = AdminEndpoints(readiness: readiness, metrics: metrics, store: store, activity: tracker, apps: apps)
        admin = try HTTPServer(host: options.bindHost, port: options.adminPort, loops: 1) { request in
            endpoints.respond(to: request)
        }
        port = server.port
        metrics.countOpenConnections { [server] in server.openConnections }
        adminPort = admin.port
        self.store = store
        self.metrics = metrics
        self.readiness = readiness
        self.apps = apps
        self.source = source
        self.states = states
    }

    /// Serves until cancelled, then drains: `/readyz` turns 503, the listener stops accepting,
    /// and in-flight requests get the shutdown grace period to finish.
    public func run() async throws {
        // The admin listener is not a child of this task: it must keep answering (/readyz: 503,
        // draining) while the data path drains after cancellation.
        let adminTask = Task { [admin] in try await admin.run() }
        defer { admin.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.source.run(into: self.store) }
            // Accept only with routes in place (connections wait in the backlog meanwhile),
            // so no early request is answered 404.
            await store.waitUntilLoaded()
            server.start()
            readiness.listenersUp()
            // SIGTERM arrives as cancellation of this task; sleeping is how we await it.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(86_400)) }
            readiness.drainStarted()
            await server.shutdown()
            group.cancelAll()
            while let result = await group.nextResult() {
                if case .failure(let e) = result, !(e is CancellationError) { throw e }
            }
        }
        admin.shutdown()
        try await adminTask.value
    }
}
