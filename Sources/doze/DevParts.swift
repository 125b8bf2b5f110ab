import Controller
import DozeJSON
import Foundation
import KubeClient
import LocalCluster
import Proxy

/// The pieces `doze dev` runs, built (and their ports bound) before anything runs, so a port in
/// use is reported at once and the kubeconfig names the real API port.
struct DevParts {
    static let replicaID = "dev"
    let cluster: LocalClusterServer
    let proxy: ProxyService
    let controller: AppController
    let client: KubeClient
    let kubeconfigPath: String
    let gate = StartGate()

    init(_ o: DevOptions) throws {
        let runtime: PodRuntimeMode = o.podRuntime == .simulated ? .simulated(readyAfter: .milliseconds(500)) : .process
        // A random /24 of loopback, so two `doze dev` (or test clusters) on one machine almost
        // never hand out the same pod IP: one pod would answer for the other's, or crash-loop.
        let b = Int.random(in: 64...191), c = Int.random(in: 0...255)
        let pool = PodIPPool(first: "127.\(b).\(c).1", last: "127.\(b).\(c).254")
        do { cluster = try LocalClusterServer(port: o.apiPort, podRuntime: runtime, podIPs: pool) } catch {
            throw DevCommand.listenError(error, port: o.apiPort, flag: "--api-port")
        }
        kubeconfigPath = URL(fileURLWithPath: o.kubeconfig).standardizedFileURL.path
        try Self.write(cluster.kubeconfig(), to: kubeconfigPath)
        client = try KubeClient(config: KubeConfig.load(kubeconfig: kubeconfigPath, context: nil))

        var p = ProxyOptions()
        p.port = o.port
        p.adminPort = 0
        p.kubeconfig = kubeconfigPath
        p.replicaID = Self.replicaID
        p.shutdownGrace = 2  // Ctrl-C in a terminal: do not keep the user waiting
        do {
            proxy = try ProxyService(options: p, source: KubeRouteSource(client: client), scaler: KubeAppScaler(client: client))
        } catch {
            throw DevCommand.listenError(error, port: o.port, flag: "--port")
        }
        controller = AppController(client: client, options: Self.controllerOptions(proxyPort: proxy.port))
    }

    static func controllerOptions(proxyPort: Int) -> ControllerOptions {
        // One controller: a short lease so a restarted `doze dev` on a kept cluster would lead soon.
        let election = LeaderElectionConfig(identity: "doze-dev", leaseDuration: .seconds(15),
                                            renewDeadline: .seconds(10), retryPeriod: .seconds(1))
        return ControllerOptions(leaseNamespace: DevManifests.systemNamespace, election: election,
                                 render: RenderContext(baseURL: "http://localhost:\(proxyPort)", hostPort: proxyPort == 80 ? nil : proxyPort),
                                 proxyService: ProxyDiscovery.ServiceRef(namespace: DevManifests.systemNamespace,
                                                                         name: DevManifests.proxyAdminService))
    }

    static func write(_ text: String, to path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw DevError("cannot write the kubeconfig \(path): \(error)")
        }
    }

    /// The cluster at once, stopped last; the controller and the proxy once the CRD is served
    /// (so neither starts with failing watches); the setup service prepares the cluster, applies the files,
    /// prints the URLs once every App is routed, then idles until the group stops.
    func services(objects: [DevObject]) -> [any Service] {
        let (gate, controller, proxy) = (gate, controller, proxy)
        let controllerStopped = StartGate(), proxyStopped = StartGate()
        return [
            ClosureService(name: "cluster") { [cluster] in
                try await StartGate.run({ try await cluster.run() }, outliving: [controllerStopped, proxyStopped])
            },
            ClosureService(name: "controller") {
                defer { controllerStopped.open() }
                try await gate.opened()
                await controller.run()
            },
            ClosureService(name: "proxy") {
                defer { proxyStopped.open() }
                try await gate.opened()
                try await proxy.run()
            },
            ClosureService(name: "setup") { [self] in
                try await setUp(objects: objects)
                while !Task.isCancelled { try await Task.sleep(for: .seconds(86_400)) }
            },
        ]
    }

    private func setUp(objects: [DevObject]) async throws {
        let bootstrap = DevBootstrap(client: client)
        try await bootstrap.installCRD()
        try await bootstrap.registerProxy(replica: Self.replicaID, adminPort: proxy.adminPort)
        gate.open()
        // The proxy's first route load is not cancellable: let it finish before anything here
        // can fail and stop the group.
        while !proxy.store.isLoaded { try await Task.sleep(for: .milliseconds(10)) }
        let apps = try await bootstrap.apply(objects)
        let late = try await waitUntilRouted(apps)
        DevCommand.printReady(apps: apps, notRouted: late, parts: self)
    }

    /// Waits (up to 60 s in all) until every App has its Deployment (so a wake can scale it) and
    /// a route in the proxy; returns the keys of those that did not (an invalid spec, say).
    private func waitUntilRouted(_ apps: [JSON]) async throws -> Set<String> {
        let deadline = ContinuousClock.now + .seconds(60)
        var late: Set<String> = []
        for app in apps {
            let ns = app[path: "metadata", "namespace"].string ?? "default", name = app[path: "metadata", "name"].string ?? ""
            while try await client.api(Deployment.self, namespace: ns).getIfExists(name) == nil
                    || !proxy.store.current.apps.contains(where: { $0?.key == "\(ns)/\(name)" }) {
                guard ContinuousClock.now < deadline else { late.insert("\(ns)/\(name)"); break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return late
    }
}
