/// One backend a route forwards to: a plain-HTTP `host:port`.
public struct Upstream: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP literal, without brackets for IPv6.
    public let host: String
    public let port: Int
    /// `host:port`, with brackets around an IPv6 literal: what goes in a `Host` header and in messages.
    public let authority: String
    /// The `Host` value for this upstream: the port is omitted when it is 80.
    /// Both are derived once here: every forwarded request needs one (no per-request formatting).
    public let hostHeader: String

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
        let h = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        authority = "\(h):\(port)"
        hostHeader = port == 80 ? h : authority
    }

    public static func == (a: Upstream, b: Upstream) -> Bool { a.port == b.port && a.host == b.host }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
    }

    public var description: String { authority }

    /// Parses `host:port`, `[v6]:port`, or `http://host[:port][/]`. HTTPS is refused on purpose:
    /// the data path speaks plain HTTP to upstreams, and silently downgrading would be worse.
    public init(parsing text: String) throws(UpstreamParseError) {
        var rest = Substring(text.trimmingSpaces())
        var defaultPort: Int?
        if let scheme = rest.range(of: "://") {
            let name = rest[..<scheme.lowerBound].lowercased()
            guard name == "http" else {
                throw name == "https" ? .httpsUnsupported : .badScheme(name)
            }
            rest = rest[scheme.upperBound...]
            if let slash = rest.firstIndex(of: "/") {
                guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw .hasPath }
                rest = rest[..<slash]
            }
            defaultPort = 80
        }
        guard !rest.isEmpty else { throw .emptyHost }
        let host: Substring, portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .badHost(String(rest)) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.isEmpty { portText = nil }
            else if after.hasPrefix(":") { portText = after.dropFirst() }
            else { throw .badHost(String(rest)) }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
            portText = nil
        }
        guard !host.isEmpty, host.allSatisfy(Upstream.isHostCharacter) else { throw .badHost(String(host)) }
        let port: Int
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw .badPort(String(portText)) }
            port = p
        } else if let defaultPort {
            port = defaultPort
        } else {
            throw .missingPort
        }
        self.init(host: host.lowercased(), port: port)
    }

    private static func isHostCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == ":" || c == "_")
    }
}

/// Why an upstream address was refused.
public struct UpstreamParseError: Error, Sendable, Equatable, CustomStringConvertible {
    fileprivate enum Kind: Equatable {
        case httpsUnsupported, badScheme(String), hasPath, emptyHost, badHost(String), badPort(String), missingPort
    }
    fileprivate let kind: Kind

    static let httpsUnsupported = UpstreamParseError(kind: .httpsUnsupported)
    static let hasPath = UpstreamParseError(kind: .hasPath)
    static let emptyHost = UpstreamParseError(kind: .emptyHost)
    static let missingPort = UpstreamParseError(kind: .missingPort)
    static func badScheme(_ s: String) -> UpstreamParseError { .init(kind: .badScheme(s)) }
    static func badHost(_ s: String) -> UpstreamParseError { .init(kind: .badHost(s)) }
    static func badPort(_ s: String) -> UpstreamParseError { .init(kind: .badPort(s)) }

    public var description: String {
        switch kind {
        case .httpsUnsupported: "https upstreams are not supported (the proxy speaks plain HTTP to upstreams)"
        case .badScheme(let s): "unsupported scheme \"\(s)\" (use host:port or http://host:port)"
        case .hasPath: "an upstream URL may not carry a path"
        case .emptyHost: "empty host"
        case .badHost(let h): "invalid host \"\(h)\""
        case .badPort(let p): "invalid port \"\(p)\" (1-65535)"
        case .missingPort: "missing port (use host:port)"
        }
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        let s = drop { $0 == " " || $0 == "\t" }
        return s.dropLast(s.reversed().prefix { $0 == " " || $0 == "\t" }.count)
    }
}
