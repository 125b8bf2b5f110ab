import DozeJSON
import Foundation
import HTTPCore
import KubeClient
import LocalCluster
import Synchronization
import TestSupport
@testable import Proxy

/// An in-process local cluster (API server over HTTP, garbage collector, `.process` pod runtime)
/// plus a proxy routed from it, for wake tests. Records every write request, so a test can count
/// the scale calls the proxy made.
final class WakeCluster: Sendable {
    let store: LocalCluster.ObjectStore
    let client: KubeClient
    let proxy: ProxyService
    private let http: HTTPServer
    private let task: Task<Void, Never>
    private let proxyTask: Task<Void, any Error>
    let log = WriteLog()
    /// Deployment replicas as seen by a watch from the start: "ns/name" → (last, wakes 0 → n).
    let history = ReplicaHistory()
    private let historyTask: Task<Void, Never>

    static let apps = GroupVersionResource(group: "doze.dev", version: "v1alpha1", resource: "apps")
    static let crdPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../deploy/crds/doze.dev_apps.json").standardized.path

    /// Starts the cluster, installs the CRD, runs `setup` (create Apps before the proxy's first
    /// list if you like), then starts the proxy.
    init(namespaces: [String]? = nil, setup: (WakeCluster.Setup) async throws -> Void = { _ in },
         proxyOptions: (inout ProxyOptions) -> Void = { _ in }) async throws {
        let store = LocalCluster.ObjectStore()
        let api = APIServer(store: store)
        let writes = self.log
        let http = try HTTPServer(loops: 1) { req in
            if req.method != "GET" { writes.lines.withLock { $0.append("\(req.method) \(req.path)") } }
            return await api.handle(req)
        }
        let b = Int.random(in: 2...250), c = Int.random(in: 0...255)
        var options = PodRuntimeOptions()
        options.backoffInitialSeconds = 0.2
        let workloads = LocalWorkloads(store: store, runtime: .process, options: options,
                                       ipPool: PodIPPool(first: "127.\(b).\(c).1", last: "127.\(b).\(c).254"),
                                       shutdownGraceSeconds: 1)
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await http.run() }
                group.addTask { await GarbageCollector(store: store).run() }
                group.addTask { try? await workloads.run() }
                await group.next()
                group.cancelAll()
            }
        }
        self.store = store
        self.http = http
        let watch = try store.openWatch(.deployments, WatchOptions(resourceVersion: store.resourceVersion))
        let history = self.history
        historyTask = Task {
            for await e in watch.events { history.see(e.object) }
        }
        let client = KubeClient(transport: URLSessionTransport(server: URL(string: "http://127.0.0.1:\(http.port)")!),
                                options: ClientOptions(qps: 0))
        self.client = client
        let crd = try JSON(parsing: Array(FileManager.default.contents(atPath: Self.crdPath) ?? Data()))
        _ = try await client.api(CustomResourceDefinition.self).create(CustomResourceDefinition(json: crd))
        try await setup(Setup(client: client))
        var o = ProxyOptions()
        o.port = 0
        o.adminPort = 0
        o.loops = 2
        o.replicaID = "test-proxy"
        proxyOptions(&o)
        let proxy = try ProxyService(options: o, source: KubeRouteSource(client: client, namespaces: namespaces), scaler: KubeAppScaler(client: client))
        self.proxy = proxy
        proxyTask = Task { try await proxy.run() }
        await proxy.store.waitUntilLoaded()
    }

    /// Another proxy replica on the same cluster, running until `stop` of the returned task.
    func secondProxy() async throws -> (ProxyService, Task<Void, any Error>) {
        var o = ProxyOptions()
        o.port = 0
        o.adminPort = 0
        o.loops = 1
        o.replicaID = "test-proxy-2"
        let proxy = try ProxyService(options: o, source: KubeRouteSource(client: client), scaler: KubeAppScaler(client: client))
        let task = Task { try await proxy.run() }
        await proxy.store.waitUntilLoaded()
        return (proxy, task)
    }

    func stop() async {
        proxyTask.cancel()
        _ = await proxyTask.result
        task.cancel()
        await task.value
        historyTask.cancel()
    }

    /// How many times the Deployment went from 0 replicas to more (what a wake is).
    func wakes(_ namespace: String, _ name: String) -> Int { history.wakes(namespace + "/" + name) }

    /// Scale-subresource writes to one Deployment so far.
    func scaleWrites(_ namespace: String, _ name: String) -> Int {
        log.lines.withLock { $0.filter { $0 == "PATCH /apis/apps/v1/namespaces/\(namespace)/deployments/\(name)/scale" }.count }
    }

    /// Ready endpoints in the App's EndpointSlices.
    func readyEndpoints(_ namespace: String, _ name: String) -> Int {
        let slices = (try? store.list(.endpointSlices, namespace: namespace).items) ?? []
        return slices.filter { $0[path: "metadata", "labels", "kubernetes.io/service-name"].string == name }
            .flatMap { $0["endpoints"].array ?? [] }
            .filter { $0[path: "conditions", "ready"].bool != false }.count
    }

    /// Names of the App's pods that are not being deleted.
    func pods(_ namespace: String, _ app: String) -> [String] {
        ((try? store.list(.pods, namespace: namespace).items) ?? [])
            .filter { $0[path: "metadata", "labels", "doze.dev/app"].string == app && $0[path: "metadata", "deletionTimestamp"].isNull }
            .compactMap { $0[path: "metadata", "name"].string }
    }

    func deployment(_ namespace: String, _ name: String) -> JSON? {
        try? store.get(.deployments, namespace: namespace, name: name)
    }

    /// Waits until `check` holds, re-checking on every store change; false after `timeout` seconds.
    func eventually(timeout: Double = 20, _ check: @escaping @Sendable () -> Bool) async -> Bool {
        if check() { return true }
        let watches = [Self.apps, .deployments, .pods, .endpointSlices]
            .compactMap { try? store.openWatch($0, WatchOptions(resourceVersion: store.resourceVersion)) }
        defer { watches.forEach { $0.stop() } }
        return await withTaskGroup(of: (Bool, Bool).self) { group in
            for w in watches {
                group.addTask {
                    for await _ in w.events where check() { return (true, true) }
                    return (false, false)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return (check(), true)
            }
            var result = false
            for await (holds, final) in group where final || Task.isCancelled { result = holds; break }
            group.cancelAll()
            return result
        }
    }

    /// Creating Apps and their children with the shapes the controller renders.
    struct Setup: Sendable {
        let client: KubeClient

        /// An App with a Deployment at `replicas` and its Service; the pod runs `command`
        /// (default: python's http.server on the pod IP and `port`).
        func app(_ name: String, namespace: String = "default", spec: JSON = [:], replicas: Int = 0,
                 command: [String]? = nil, withDeployment: Bool = true) async throws {
            var appSpec = spec
            appSpec["image"] = "python:3"
            let port = appSpec["port"].int ?? 8000
            let app: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                             "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": appSpec]
            if namespace != "default" {
                _ = try? await client.api(Namespace.self).create(Namespace(json: ["apiVersion": "v1", "kind": "Namespace",
                                                                                  "metadata": ["name": .string(namespace)]]))
            }
            _ = try await client.api(AppObject.self, namespace: namespace).create(AppObject(json: app))
            let service: JSON = [
                "apiVersion": "v1", "kind": "Service",
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels(name)],
                "spec": ["type": "ClusterIP", "selector": ["doze.dev/app": .string(name)],
                         "ports": [["name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"]]],
            ]
            _ = try await client.api(Service.self, namespace: namespace).create(Service(json: service))
            if withDeployment {
                try await deployment(name, namespace: namespace, port: port, replicas: replicas, command: command)
            }
        }

        func labels(_ name: String) -> JSON {
            ["doze.dev/app": .string(name), "app.kubernetes.io/name": .string(name), "app.kubernetes.io/managed-by": "doze"]
        }

        /// The App's Deployment as the controller renders it (what matters here: labels, the
        /// container port named http, PORT and POD_IP, a readiness probe).
        func deployment(_ name: String, namespace: String = "default", port: Int = 8000, replicas: Int = 0,
                        command: [String]? = nil) async throws {
            let labels = self.labels(name)
            let cmd = command ?? ["python3", "-m", "http.server", "$(PORT)", "--bind", "$(POD_IP)"]
            let probe: JSON = ["httpGet": ["path": "/", "port": "http", "scheme": "HTTP"], "periodSeconds": 2,
                               "timeoutSeconds": 1, "failureThreshold": 3, "successThreshold": 1]
            let deployment: JSON = [
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels],
                "spec": ["replicas": JSON(replicas), "selector": ["matchLabels": ["doze.dev/app": .string(name)]],
                         "template": ["metadata": ["labels": labels], "spec": [
                            "terminationGracePeriodSeconds": 1,
                            "containers": [["name": "app", "image": "python:3", "command": JSON(cmd),
                                            "env": [["name": "PORT", "value": .string(String(port))],
                                                    ["name": "POD_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]]],
                                            "ports": [["containerPort": JSON(port), "name": "http", "protocol": "TCP"]],
                                            "readinessProbe": probe]]]]],
            ]
            _ = try await client.api(Deployment.self, namespace: namespace).create(Deployment(json: deployment))
        }
    }
}

/// One HTTP/1.1 request on its own connection, on a thread of its own (the blocking socket must
/// not hold a cooperative-pool thread the cluster needs).
func httpRequest(port: Int, _ method: String = "GET", _ path: String = "/", host: String = "app.test",
                 body: String = "", timeoutSeconds: Int = 30) async -> (status: Int, head: String, body: String) {
    await withCheckedContinuation { c in
        Thread.detachNewThread {
            do {
                let client = try RawClient(port: port, timeoutSeconds: timeoutSeconds)
                let length = method == "POST" || !body.isEmpty ? "Content-Length: \(body.utf8.count)\r\n" : ""
                client.send("\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n\(length)Connection: close\r\n\r\n\(body)")
                let r = try client.readResponse()
                c.resume(returning: r)
            } catch {
                c.resume(returning: (0, "\(error)", ""))
            }
        }
    }
}

final class WriteLog: Sendable {
    let lines = Mutex<[String]>([])
}

final class ReplicaHistory: Sendable {
    private let state = Mutex<[String: (last: Int, wakes: Int)]>([:])

    func see(_ deployment: JSON) {
        guard let name = deployment[path: "metadata", "name"].string,
              let replicas = deployment[path: "spec", "replicas"].int else { return }
        let key = (deployment[path: "metadata", "namespace"].string ?? "") + "/" + name
        state.withLock { s in
            var entry = s[key] ?? (last: replicas, wakes: 0)
            if entry.last == 0 && replicas > 0 { entry.wakes += 1 }
            entry.last = replicas
            s[key] = entry
        }
    }

    func wakes(_ key: String) -> Int { state.withLock { $0[key]?.wakes ?? 0 } }
}
