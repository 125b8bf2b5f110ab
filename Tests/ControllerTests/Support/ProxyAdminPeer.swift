import DozeJSON
import Foundation
import HTTPCore
import Synchronization

/// A small real HTTP server speaking the proxy admin API of contract §3 (`GET /activity`,
/// `POST /fence`, `POST /unfence`) with answers the test programs, and a log of every call.
/// It stands in for a proxy replica, which is not what these tests examine: the controller is.
final class ProxyAdminPeer: Sendable {
    struct Call: Sendable, Equatable {
        var path: String
        var app: String
        var slept: Bool?
        var at: ContinuousClock.Instant
    }

    struct AppState: Sendable {
        var inFlight = 0
        var lastActivity = ContinuousClock.now
        /// Extra in-flight requests that "arrive" as the fence is set (held by the fence).
        var heldAtFence = 0
    }

    final class State: Sendable {
        let apps = Mutex<[String: AppState]>([:])
        let calls = Mutex<[Call]>([])
        let activityGets = Mutex(0)
        /// Runs before a fence is answered (say, a wake racing the sleep).
        let onFence = Mutex<(@Sendable (String) async -> Void)?>(nil)
    }

    let replica: String
    let state = State()
    private let server: HTTPServer
    private let task: Task<Void, Never>

    init(replica: String = "peer-1") throws {
        self.replica = replica
        let state = self.state
        server = try HTTPServer(loops: 1) { req in
            if req.path == "/fence", let hook = state.onFence.withLock({ $0 }),
               let app = (try? JSON(parsing: req.body))?["app"].string {
                await hook(app)
            }
            return Self.handle(req, state: state, replica: replica)
        }
        let server = self.server
        task = Task { try? await server.run() }
    }

    var port: Int { server.port }

    func stop() async {
        task.cancel()
        await task.value
    }

    /// Sets what the replica reports about `app` ("ns/name").
    func set(_ app: String, inFlight: Int = 0, lastActivity: ContinuousClock.Instant = .now, heldAtFence: Int = 0) {
        state.apps.withLock { $0[app] = AppState(inFlight: inFlight, lastActivity: lastActivity, heldAtFence: heldAtFence) }
    }

    var calls: [Call] { state.calls.withLock { $0 } }
    var activityGets: Int { state.activityGets.withLock { $0 } }

    static func handle(_ req: HTTPRequest, state: State, replica: String) -> HTTPResponse {
        switch (req.method, req.path) {
        case ("GET", "/activity"):
            state.activityGets.withLock { $0 += 1 }
            let apps = state.apps.withLock { $0 }.mapValues { activity($0, held: 0) }
            return json(["replica": .string(replica), "apps": .object(apps)])
        case ("POST", "/fence"), ("POST", "/unfence"):
            guard let body = try? JSON(parsing: req.body), let app = body["app"].string else {
                return HTTPResponse(status: 400, contentType: "text/plain", body: Array("body must be JSON with app\n".utf8))
            }
            let fence = req.path == "/fence"
            state.calls.withLock { $0.append(Call(path: String(req.path), app: app, slept: body["slept"].bool, at: .now)) }
            var answer: JSON = ["replica": .string(replica), "app": .string(app)]
            if fence {
                let a = state.apps.withLock { $0[app] } ?? AppState()
                for (k, v) in activity(a, held: a.heldAtFence).object ?? [:] { answer[k] = v }
            }
            return json(answer)
        default:
            return HTTPResponse(status: 404, contentType: "text/plain", body: Array("not found\n".utf8))
        }
    }

    static func activity(_ a: AppState, held: Int) -> JSON {
        let idle = a.lastActivity.duration(to: .now)
        return ["inFlight": JSON(a.inFlight + held), "openTunnels": 0,
                "idleMillis": .int(max(0, idle.components.seconds * 1000 + idle.components.attoseconds / 1_000_000_000_000_000))]
    }

    static func json(_ body: JSON) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/json", body: body.serializedBytes())
    }
}

extension TestCluster {
    static let proxyAdmin = (namespace: "doze-system", name: "doze-proxy-admin")

    /// Registers admin ports at 127.0.0.1 as `doze dev` does: a selector-less Service and a
    /// hand-made EndpointSlice with the port named `admin`.
    func registerProxyAdmin(ports: [Int]) async {
        let (ns, name) = Self.proxyAdmin
        await createNamespace(ns)
        let service: JSON = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name), "namespace": .string(ns)],
                             "spec": ["ports": [["name": "admin", "port": 9091, "protocol": "TCP"]]]]
        let s = await request("POST", "/api/v1/namespaces/\(ns)/services", service)
        precondition(s.status == 201, "proxy admin Service: \(s.json)")
        for (i, port) in ports.enumerated() {
            let slice: JSON = [
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                "metadata": ["name": .string("\(name)-\(i)"), "namespace": .string(ns),
                             "labels": ["kubernetes.io/service-name": .string(name)]],
                "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true, "serving": true, "terminating": false]]],
                "ports": [["name": "admin", "port": JSON(port), "protocol": "TCP"]],
            ]
            let r = await request("POST", "/apis/discovery.k8s.io/v1/namespaces/\(ns)/endpointslices", slice)
            precondition(r.status == 201, "proxy admin EndpointSlice: \(r.json)")
        }
    }

    /// Scales a Deployment as the proxy wakes an App: JSON patch with a `test` of the count.
    @discardableResult
    func wake(_ namespace: String, _ name: String, from: Int = 0, to: Int = 1) async -> Int {
        let patch: JSON = [["op": "test", "path": "/spec/replicas", "value": JSON(from)],
                           ["op": "replace", "path": "/spec/replicas", "value": JSON(to)]]
        let r = await request("PATCH", "/apis/apps/v1/namespaces/\(namespace)/deployments/\(name)/scale", patch,
                              contentType: "application/json-patch+json")
        if r.status != 200 { print("wake \(namespace)/\(name): \(r.status) \(r.json)") }
        return r.status
    }
}
