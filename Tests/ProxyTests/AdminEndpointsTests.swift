import HTTPCore
import Testing
@testable import Proxy

@Suite struct AdminEndpointsTests {
    func body(_ r: HTTPResponse) -> String {
        if case .bytes(let b) = r.body { return String(decoding: b, as: UTF8.self) }
        return ""
    }

    @Test func readinessFollowsRoutesListenersAndDraining() {
        let store = RouteTableStore()
        let readiness = ProxyReadiness(store: store)
        let admin = AdminEndpoints(readiness: readiness, metrics: ProxyMetrics(loops: 1), store: store)
        let readyz = HTTPRequest(method: "GET", target: "/readyz")
        #expect(admin.respond(to: HTTPRequest(method: "GET", target: "/healthz")).status == 200)
        #expect(admin.respond(to: readyz).status == 503)
        #expect(body(admin.respond(to: readyz)) == "not ready: routes not loaded\n")
        store.publish([])
        #expect(body(admin.respond(to: readyz)) == "not ready: listeners not up\n")
        readiness.listenersUp()
        #expect(admin.respond(to: readyz).status == 200)
        readiness.drainStarted()
        #expect(admin.respond(to: readyz).status == 503)
        #expect(body(admin.respond(to: readyz)) == "not ready: draining\n")
    }

    @Test func servesMetricsAndRoutes() {
        let store = RouteTableStore()
        store.publish([testRoute("a", "/x", strip: true, "127.0.0.1:9")])
        let metrics = ProxyMetrics(loops: 1)
        let admin = AdminEndpoints(readiness: ProxyReadiness(store: store), metrics: metrics, store: store)
        let m = admin.respond(to: HTTPRequest(method: "GET", target: "/metrics?x=1"))
        #expect(m.status == 200 && m.headers["Content-Type"] == PrometheusText.contentType)
        #expect(body(m).contains("# TYPE doze_proxy_requests_total counter"))
        #expect(body(admin.respond(to: HTTPRequest(method: "GET", target: "/routes"))) == "a/x\tstrip=true\t127.0.0.1:9\n")
        #expect(admin.respond(to: HTTPRequest(method: "POST", target: "/metrics")).status == 405)
        #expect(admin.respond(to: HTTPRequest(method: "GET", target: "/nope")).status == 404)
    }
}

@Suite struct AdminFenceTests {
    struct NeverScaler: AppScaler {
        func scaleUp(namespace: String, name: String, replicas: Int) async throws {}
    }

    func admin() throws -> (AdminEndpoints, EventLoopGroup) {
        let group = try EventLoopGroup(loops: 1)
        let metrics = ProxyMetrics(loops: 1)
        let apps = AppRegistry(activity: ActivityTracker(replica: "r1"), scaler: NeverScaler(), probeLoop: group.loops[0],
                               metrics: metrics.wake)
        let store = RouteTableStore(apps: apps)
        return (AdminEndpoints(readiness: ProxyReadiness(store: store), metrics: metrics, store: store, apps: apps), group)
    }

    func post(_ a: AdminEndpoints, _ path: String, _ body: String) -> (Int, String) {
        let r = a.respond(to: HTTPRequest(method: "POST", target: path, body: Array(body.utf8)))
        guard case .bytes(let b) = r.body else { return (r.status, "") }
        return (r.status, String(decoding: b, as: UTF8.self))
    }

    @Test func unknownAppsAnswer200WithZeros() throws {
        let (a, _) = try admin()
        #expect(post(a, "/fence", #"{"app":"ns/none","ttlMillis":1000}"#)
                == (200, #"{"app":"ns/none","idleMillis":0,"inFlight":0,"openTunnels":0,"replica":"r1"}"#))
        #expect(post(a, "/unfence", #"{"app":"ns/none","slept":true}"#) == (200, #"{"app":"ns/none","replica":"r1"}"#))
    }

    @Test func malformedBodiesAnswer400AndOtherMethods405() throws {
        let (a, _) = try admin()
        #expect(post(a, "/fence", "[]") == (400, "bad request: expected a JSON object\n"))
        #expect(post(a, "/unfence", #"{"app":"a/b","slept":"yes"}"#).0 == 400)
        #expect(a.respond(to: HTTPRequest(method: "GET", target: "/fence")).status == 405)
    }

    @Test func metricsNameTheWakeFamilies() throws {
        let (a, _) = try admin()
        a.metrics.wake.observeWake(seconds: 0.02)
        a.metrics.wake.rejected(.queueFull)
        let r = a.respond(to: HTTPRequest(method: "GET", target: "/metrics"))
        guard case .bytes(let b) = r.body else { Issue.record("no body"); return }
        let text = String(decoding: b, as: UTF8.self)
        for line in ["doze_proxy_wakes_total 0", #"doze_proxy_wake_duration_seconds_bucket{le="0.01"} 0"#,
                     #"doze_proxy_wake_duration_seconds_bucket{le="0.025"} 1"#, "doze_proxy_wake_duration_seconds_count 1",
                     "doze_proxy_wake_queue_depth 0", "doze_proxy_held_requests 0",
                     #"doze_proxy_rejected_total{cause="queue full"} 1"#, #"doze_proxy_rejected_total{cause="startup timeout"} 0"#] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
    }
}
