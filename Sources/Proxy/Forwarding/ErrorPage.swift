/// Why an exchange with an upstream failed. Also the `cause` label of the upstream-errors metric.
public enum UpstreamFailure: Int, Sendable, CaseIterable {
    case connectRefused, connectTimeout, connectFailed, closedBeforeRequest
    case reset, responseTimeout, badResponse, closedBeforeResponse, idleTimeout
    case noUpstream

    /// The metric label value.
    public var cause: String {
        switch self {
        case .connectRefused: "connect_refused"
        case .connectTimeout: "connect_timeout"
        case .connectFailed: "connect_failed"
        case .closedBeforeRequest: "closed_before_request"
        case .reset: "reset"
        case .responseTimeout: "response_timeout"
        case .badResponse: "bad_response"
        case .closedBeforeResponse: "closed_before_response"
        case .idleTimeout: "idle_timeout"
        case .noUpstream: "no_upstream"
        }
    }

    /// The status the client gets when this failure ends the exchange before a response began.
    public var status: Int {
        switch self {
        case .connectTimeout, .responseTimeout, .idleTimeout: 504
        case .noUpstream: 503
        default: 502
        }
    }
}

/// The short plain-text responses the proxy writes itself.
public struct ErrorPage: Sendable, Equatable {
    public let status: Int
    public let body: String

    public static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Error"
        }
    }

    public init(status: Int, detail: String) {
        self.status = status
        body = "\(status) \(ErrorPage.reason(status)): \(detail)\n"
    }

    /// 404 when no route matches: names what was asked for, so a typo is easy to spot.
    public static func noRoute(host: String?, path: Substring) -> ErrorPage {
        ErrorPage(status: 404, detail: "no app at host \(host.map { $0.isEmpty ? "(none)" : $0 } ?? "(none)") path \(path)")
    }

    public static func upstream(_ failure: UpstreamFailure, _ upstream: Upstream?, route: Route,
                                timeoutSeconds: Double = 0) -> ErrorPage {
        let u = upstream.map { "upstream \($0.authority)" } ?? "upstream"
        let within = timeoutSeconds > 0 ? " within \(formatSeconds(timeoutSeconds))" : ""
        let detail: String = switch failure {
        case .connectRefused: "\(u) refused the connection"
        case .connectTimeout: "\(u) did not accept the connection\(within)"
        case .connectFailed: "could not connect to \(u)"
        case .closedBeforeRequest: "\(u) closed the connection before the request was sent"
        case .reset: "\(u) reset the connection"
        case .responseTimeout: "\(u) did not respond\(within)"
        case .badResponse: "\(u) sent an invalid response"
        case .closedBeforeResponse: "\(u) closed the connection before responding"
        case .idleTimeout: "\(u) sent nothing\(within)"
        case .noUpstream: "no upstream available for route \(route.name)"
        }
        return ErrorPage(status: failure.status, detail: detail)
    }

    static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s))s" : "\(s)s"
    }
}

extension ErrorPage {
    /// 503 from the wake path, naming the App and the cause.
    public static func wakeRejected(_ cause: WakeMachine<Int, Upstream>.RejectCause, app: String,
                                    startupTimeout: Duration) -> ErrorPage {
        switch cause {
        case .queueFull:
            ErrorPage(status: 503, detail: "app \(app) is starting and too many requests are waiting for it (queue full)")
        case .startupTimeout:
            ErrorPage(status: 503, detail: "app \(app) did not become ready within \(formatSeconds(Double(startupTimeout.components.seconds))) (startup timeout)")
        }
    }
}
