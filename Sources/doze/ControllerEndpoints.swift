import Controller
import HTTPCore

/// /metrics, /healthz, /readyz of the controller.
enum MetricsEndpoint {
    static func handle(_ req: HTTPRequest, _ controller: AppController) -> HTTPResponse {
        switch req.path {
        case "/metrics":
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: Array(controller.metrics.render().utf8))
        case "/healthz":
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array("ok\n".utf8))
        case "/readyz":
            let ready = controller.isSynced
            return HTTPResponse(status: ready ? 200 : 503, contentType: "text/plain",
                                body: Array((ready ? "ok\n" : "caches not synced\n").utf8))
        default:
            return HTTPResponse(status: 404, contentType: "text/plain", body: Array("not found\n".utf8))
        }
    }
}
