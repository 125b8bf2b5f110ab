import HTTPCore

/// What to do with a request head, decided before any upstream is touched: answer it here
/// (no route, unsupported form) or forward it along a route with a rewritten target.
public enum RequestPlan: Equatable {
    case respond(ErrorPage)
    case forward(Forward)

    public struct Forward: Equatable {
        /// Index of the route in the snapshot the plan was made from.
        public let route: Int
        /// The origin-form target the upstream gets (prefix stripped when the route says so).
        public let target: String
        /// The host the client addressed (from an absolute-form target or `Host`): used for
        /// routing, `X-Forwarded-Host` and `Location` rewriting.
        public let host: String?
        public let isUpgrade: Bool
    }

    /// Plans a request against a route snapshot.
    public static func make(method: String, target: String, headers: HTTPHeaders, table: RouteTable) -> RequestPlan {
        if method == "CONNECT" {
            return .respond(ErrorPage(status: 405, detail: "CONNECT is not supported"))
        }
        var host = headers["Host"]
        var originTarget = Substring(target)
        if !target.hasPrefix("/") {
            // Absolute form (RFC 9112 §3.2.2): the target's authority replaces Host.
            guard let (authority, rest) = splitAbsolute(target) else {
                return .respond(ErrorPage(status: 400, detail: "unsupported request target"))
            }
            host = String(authority)
            originTarget = rest
        }
        let query = originTarget.firstIndex(of: "?") ?? originTarget.endIndex
        let path = originTarget[..<query]
        guard let index = table.lookup(host: host, path: path) else {
            return .respond(ErrorPage.noRoute(host: host, path: path))
        }
        let route = table.routes[index]
        let upstreamTarget = route.stripPath ? PathPrefix.strip(route.path, from: originTarget) : String(originTarget)
        let upgrade = RequestHeaderRewriter.isUpgradeRequest(headers)
        return .forward(Forward(route: index, target: upstreamTarget, host: host, isUpgrade: upgrade))
    }

    /// `http://authority/path?q` → (authority, `/path?q`); nil for any other form.
    static func splitAbsolute(_ target: String) -> (Substring, Substring)? {
        let t = Substring(target)
        let rest: Substring
        if HeaderNames.hasPrefix(t, "http://") { rest = t.dropFirst(7) }
        else if HeaderNames.hasPrefix(t, "https://") { rest = t.dropFirst(8) }
        else { return nil }
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        guard end > rest.startIndex else { return nil }
        let tail = rest[end...]
        return (rest[..<end], tail.hasPrefix("/") ? tail : ("/" + tail)[...])
    }
}

extension ErrorPage {
    /// The headers of a response the proxy writes itself.
    public static let headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"]
}
