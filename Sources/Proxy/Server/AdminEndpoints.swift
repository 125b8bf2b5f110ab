import DozeJSON
import HTTPCore
import Synchronization

/// Readiness of this proxy replica: routes loaded, listeners up, not draining.
public final class ProxyReadiness: Sendable {
    private let listening = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)
    private let store: RouteTableStore

    public init(store: RouteTableStore) { self.store = store }

    public func listenersUp() { listening.store(true, ordering: .releasing) }
    public func drainStarted() { draining.store(true, ordering: .releasing) }

    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    /// Nil when ready, else why not (for the `/readyz` body).
    public var notReadyReason: String? {
        if draining.load(ordering: .acquiring) { return "draining" }
        if !store.isLoaded { return "routes not loaded" }
        if !listening.load(ordering: .acquiring) { return "listeners not up" }
        return nil
    }
}

/// The admin port's endpoints, as a function from request to response:
/// `/healthz` (the process answers), `/readyz` (routes loaded, listening, not draining),
/// `/metrics` (Prometheus text), `/activity` (per-App activity for the controller), `/routes`.
public struct AdminEndpoints: Sendable {
    public let readiness: ProxyReadiness
    public let metrics: ProxyMetrics
    public let store: RouteTableStore
    public let activity: ActivityTracker?
    public let apps: AppRegistry?

    public init(readiness: ProxyReadiness, metrics: ProxyMetrics, store: RouteTableStore, activity: ActivityTracker? = nil,
                apps: AppRegistry? = nil) {
        self.readiness = readiness
        self.metrics = metrics
        self.store = store
        self.activity = activity ?? apps?.activity
        self.apps = apps
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        if request.path == "/fence" || request.path == "/unfence", let apps {
            guard request.method == "POST" else { return text(405, "method not allowed\n", extra: ["Allow": "POST"]) }
            return fence(request, apps)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return text(405, "method not allowed\n", extra: ["Allow": "GET, HEAD"])
        }
        switch request.path {
        case "/healthz":
            return text(200, "ok\n")
        case "/readyz":
            if let why = readiness.notReadyReason { return text(503, "not ready: \(why)\n") }
            return text(200, "ready\n")
        case "/metrics":
            return HTTPResponse(status: 200, contentType: PrometheusText.contentType, body: Array(metrics.render().utf8))
        case "/activity" where activity != nil:
            return HTTPResponse(status: 200, contentType: "application/json", body: activity!.report().serializedBytes())
        case "/routes":
            let table = store.current
            var out = ""
            for (i, r) in table.routes.enumerated() {
                out += "\(r.name)\tstrip=\(r.stripPath)\t" + table.routeUpstreams[i].map { table.upstreams[$0].authority }.joined(separator: ",") + "\n"
            }
            return text(200, out)
        default:
            return text(404, "not found (try /healthz, /readyz, /metrics)\n")
        }
    }

    /// Contract §3: the controller fences an App before putting it to sleep, then unfences it.
    private func fence(_ request: HTTPRequest, _ apps: AppRegistry) -> HTTPResponse {
        let answer: JSON
        switch FenceRequest.parse(path: String(request.path), body: request.body) {
        case .failure(let e): return text(400, "bad request: \(e)\n")
        case .success(.fence(let app, let ttl)): answer = apps.fence(app, ttl: ttl)
        case .success(.unfence(let app, let slept)): answer = apps.unfence(app, slept: slept)
        }
        return HTTPResponse(status: 200, contentType: "application/json", body: answer.serializedBytes())
    }

    private func text(_ status: Int, _ body: String, extra: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var h: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
        for f in extra { h.add(f.name, f.value) }
        return HTTPResponse(status: status, headers: h, body: .bytes(Array(body.utf8)))
    }
}
