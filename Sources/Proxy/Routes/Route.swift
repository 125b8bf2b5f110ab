/// Where requests for a host and path prefix go. Immutable; built by a route source
/// (the static routes file now, App objects later) and indexed by `RouteTable`.
public struct Route: Sendable, Hashable {
    /// The host pattern, lower case: an exact name, `*.example.com`, or nil for any host.
    public let host: String?
    /// The path prefix, normalised: starts with `/`, no trailing `/` unless it is `/` itself.
    public let path: String
    /// When true the prefix is removed before forwarding (`/x/y` → `/y`).
    public let stripPath: Bool
    public let upstreams: [Upstream]
    /// Set on routes built from App objects: the App's identity, starting endpoints and wake
    /// settings. Nil for static routes, which never wake or sleep.
    public let app: AppRouteInfo?

    public init(host: String?, path: String?, stripPath: Bool, upstreams: [Upstream], app: AppRouteInfo? = nil) throws(RouteError) {
        self.host = try Route.normalizedHost(host)
        self.path = try Route.normalizedPath(path)
        self.stripPath = stripPath
        self.upstreams = upstreams
        self.app = app
    }

    /// The label that names this route in metrics and logs: `host/path`, `*` for any host.
    public var name: String { (host ?? "*") + (path == "/" ? "/" : path) }

    /// The prefix the client saw that the upstream does not: what `X-Forwarded-Prefix` carries
    /// and what a rewritten `Location` gets back. Empty when nothing is stripped.
    public var strippedPrefix: String { stripPath && path != "/" ? path : "" }

    static func normalizedHost(_ host: String?) throws(RouteError) -> String? {
        guard var h = host.map({ String($0.trimmingSpaces()).lowercased() }), !h.isEmpty else { return nil }
        if h.hasSuffix(".") { h.removeLast() }
        let labels = h.split(separator: ".", omittingEmptySubsequences: false)
        for (i, label) in labels.enumerated() {
            if label == "*" && i == 0 && labels.count > 1 { continue }
            guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else { throw RouteError(.badHost(h)) }
        }
        return h
    }

    static func normalizedPath(_ path: String?) throws(RouteError) -> String {
        guard let path, !path.isEmpty else { return "/" }
        guard path.hasPrefix("/") else { throw RouteError(.badPath(path, "must start with /")) }
        guard !path.contains(where: { $0 == "?" || $0 == "#" || $0 == " " || !$0.isASCII || $0.asciiValue! < 0x21 })
        else { throw RouteError(.badPath(path, "may not contain ?, #, spaces or control characters")) }
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return String(p)
    }
}

/// A route that cannot be built, naming the field at fault.
public struct RouteError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Equatable {
        case badHost(String)
        case badPath(String, String)
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    public var field: String {
        switch kind {
        case .badHost: "host"
        case .badPath: "path"
        }
    }

    public var description: String {
        switch kind {
        case .badHost(let h): "invalid host \"\(h)\" (a DNS name, optionally starting with *.)"
        case .badPath(let p, let why): "invalid path \"\(p)\": \(why)"
        }
    }
}
