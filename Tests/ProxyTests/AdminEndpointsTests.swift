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
