import DozeJSON
import Foundation
import HTTPCore
import LocalCluster
import Synchronization

/// A local cluster in this process for controller tests: the API server over HTTP on port 0,
/// the garbage collector, and workloads with simulated pods. Records every write request so a
/// test can count what the controller sent; `failNext` injects API errors.
final class TestCluster: Sendable {
    let store: ObjectStore
    let api: APIServer
    private let http: HTTPServer
    private let task: Task<Void, Never>
    private let traffic = Traffic()

    static let apps = GroupVersionResource(group: "doze.dev", version: "v1alpha1", resource: "apps")
    static let crdPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../deploy/crds/doze.dev_apps.json").standardized.path

    init(historyLimit: Int = 10_000) async throws {
        let store = ObjectStore(historyLimit: historyLimit)
        let api = APIServer(store: store)
        self.store = store
        self.api = api
        let traffic = self.traffic
        http = try HTTPServer(loops: 1) { req in
            if let code = traffic.see(req) {
                let body: JSON = ["kind": "Status", "apiVersion": "v1", "status": "Failure", "code": .int(Int64(code)),
                                  "reason": code == 429 ? "TooManyRequests" : "InternalError", "message": "injected"]
                return HTTPResponse(status: code, headers: ["Content-Type": "application/json", "Retry-After": "0"],
                                    body: .bytes(body.serializedBytes()))
            }
            if let hook = traffic.onRequest.withLock({ $0 }) { await hook(req) }
            let resp = await api.handle(req)
            traffic.answered(req, resp.status)
            return resp
        }
        let b = Int.random(in: 2...250), c = Int.random(in: 0...255)
        let workloads = LocalWorkloads(store: store, runtime: .simulated(readyAfter: .milliseconds(100)),
                                       ipPool: PodIPPool(first: "127.\(b).\(c).1", last: "127.\(b).\(c).254"),
                                       shutdownGraceSeconds: 0)
        let http = self.http
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await http.run() }
                group.addTask { await GarbageCollector(store: store).run() }
                group.addTask { try? await workloads.run() }
                await group.next()
                group.cancelAll()
            }
        }
        let crd = try JSON(parsing: Array(FileManager.default.contents(atPath: Self.crdPath) ?? Data()))
        let r = await request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        precondition(r.status == 201, "CRD not installed: \(r.json)")
    }

    var url: URL { URL(string: "http://127.0.0.1:\(http.port)")! }

    func stop() async {
        task.cancel()
        await task.value
    }

    /// A request straight to the API server's handler (not counted as the controller's).
    func request(_ method: String, _ path: String, _ body: JSON? = nil,
                 contentType: String = "application/json") async -> (status: Int, json: JSON) {
        var headers: HTTPHeaders = [:]
        if body != nil { headers.add("Content-Type", contentType) }
        let resp = await api.handle(HTTPRequest(method: method, target: path, headers: headers, body: body?.serializedBytes() ?? []))
        guard case .bytes(let b) = resp.body else { return (resp.status, .null) }
        return (resp.status, (try? JSON(parsing: b)) ?? .null)
    }

    func createNamespace(_ name: String) async {
        _ = await request("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
    }

    @discardableResult
    func createApp(_ name: String, namespace: String, spec: JSON) async -> JSON {
        let app: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                         "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec]
        let r = await request("POST", "/apis/doze.dev/v1alpha1/namespaces/\(namespace)/apps", app)
        precondition(r.status == 201, "App not created: \(r.json)")
        return r.json
    }

    func get(_ gvr: GroupVersionResource, _ namespace: String, _ name: String) -> JSON? {
        try? store.get(gvr, namespace: namespace, name: name)
    }

    func list(_ gvr: GroupVersionResource, _ namespace: String? = nil) -> [JSON] {
        (try? store.list(gvr, namespace: namespace).items) ?? []
    }

    /// Every request the server answered over HTTP (reads, watches and writes).
    var requestCount: Int { traffic.requests.withLock { $0 } }

    /// Writes other than leader election's Lease renewals.
    var reconcileWrites: [String] { writes.filter { !$0.contains("/leases/") } }

    /// Write requests seen so far ("PATCH /apis/..."), in order.
    var writes: [String] { traffic.log.withLock { $0 } }

    /// LIST requests (GETs on a collection that are not watches) the server answered for `path`,
    /// e.g. "/apis/doze.dev/v1alpha1/apps": each one after the first is a relist.
    func lists(of path: String) -> Int { traffic.lists.withLock { $0[path] ?? 0 } }

    /// Makes the next `count` requests with one of `methods` (and every string of `matching` in
    /// their target) answer `status`.
    func failNext(_ count: Int, status: Int, methods: Set<String> = ["GET", "PATCH", "POST", "PUT"], matching: [String] = []) {
        traffic.faults.withLock { $0 = (status, count, methods, matching) }
    }

    /// Runs `hook` on every request that comes over HTTP, before the API server handles it
    /// (say, to change something at an exact point of a reconcile); nil removes it.
    func onRequest(_ hook: (@Sendable (HTTPRequest) async -> Void)?) {
        traffic.onRequest.withLock { $0 = hook }
    }

    /// Injected faults not yet served.
    var pendingFaults: Int { traffic.faults.withLock { $0.remaining } }

    /// Waits until `check` holds, re-checking on every change in the store; false after `timeout`.
    func eventually(timeout: Double = 20, _ check: @escaping @Sendable () -> Bool) async -> Bool {
        if check() { return true }
        let watches = [Self.apps, .deployments, .services, .persistentVolumeClaims, .secrets, .events, .pods, .leases]
            .compactMap { try? store.openWatch($0, WatchOptions(resourceVersion: store.resourceVersion)) }
        defer { watches.forEach { $0.stop() } }
        // Each task answers (holds, final): a watcher only when the check holds, the timer always.
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
            watches.forEach { $0.stop() }
            return result
        }
    }
}

/// What the test server saw, and the failures it is told to inject.
final class Traffic: Sendable {
    let log = Mutex<[String]>([])
    /// (status, how many more requests to fail, which methods, a substring of their target).
    let faults = Mutex<(status: Int, remaining: Int, methods: Set<String>, matching: [String])>((0, 0, [], []))

    /// Records a write; returns the status to fail it with, if a fault is due.
    let requests = Mutex(0)

    let lists = Mutex<[String: Int]>([:])

    let onRequest = Mutex<(@Sendable (HTTPRequest) async -> Void)?>(nil)

    func answered(_ req: HTTPRequest, _ status: Int) {
        guard status == 200 else { return }
        let isWatch = req.query?.split(separator: "&").contains { $0 == "watch=true" || $0 == "watch=1" } ?? false
        if req.method == "GET" && !isWatch { lists.withLock { $0[String(req.path), default: 0] += 1 } }
    }

    func see(_ req: HTTPRequest) -> Int? {
        requests.withLock { $0 += 1 }
        if req.method != "GET" { log.withLock { $0.append("\(req.method) \(req.path)") } }
        return faults.withLock { f -> Int? in
            guard f.remaining > 0, f.methods.contains(req.method),
                  f.matching.allSatisfy({ req.target.contains($0) }) else { return nil }
            f.remaining -= 1
            return f.status
        }
    }
}
