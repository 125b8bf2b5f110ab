import HTTPCore

/// Builds the header block sent to the client from the upstream's: hop-by-hop fields dropped
/// (kept for a 101 the proxy tunnels) and a `Location` that points at the upstream rewritten
/// to the address the client used.
public enum ResponseHeaderRewriter {
    public static func clientHeaders(_ headers: HTTPHeaders, status: Int, route: Route, upstream: Upstream,
                                     externalHost: String?, proto: String) -> HTTPHeaders {
        let fields = headers.fields
        let tokens = fields.contains { HeaderNames.equal($0.name, "connection") } ? HeaderNames.connectionTokens(fields) : []
        // Built as HTTPHeaders directly: one array per response, not a tuple array and its copy.
        var out = HTTPHeaders()
        out.reserveCapacity(fields.count + 1)
        var upgrade: String?
        for (name, value) in fields {
            if HeaderNames.isHopByHop(name) {
                if status == 101 && HeaderNames.equal(name, "upgrade") { upgrade = value }
                continue
            }
            if !tokens.isEmpty && tokens.contains(where: { HeaderNames.equal(name, $0) }) { continue }
            if HeaderNames.equal(name, "location") {
                out.add(name, rewriteLocation(value, route: route, upstream: upstream, externalHost: externalHost, proto: proto))
                continue
            }
            out.add(name, value)
        }
        if status == 101, let upgrade {
            out.add("Connection", "upgrade")
            out.add("Upgrade", upgrade)
        }
        return out
    }

    /// Maps a `Location` from the upstream's view to the client's:
    /// - `http://upstream:port/p` (or `//upstream:port/p`) → `proto://externalHost/prefix/p`;
    /// - `/p` under a stripped prefix → `/prefix/p`;
    /// - anything else (another host, a relative reference like `p`) is left alone.
    public static func rewriteLocation(_ value: String, route: Route, upstream: Upstream,
                                       externalHost: String?, proto: String) -> String {
        let prefix = route.strippedPrefix
        let v = Substring(value)
        var rest: Substring
        if v.hasPrefix("/") && !v.hasPrefix("//") {
            return prefix.isEmpty ? value : prefix + value
        } else if HeaderNames.hasPrefix(v, "http://") {
            rest = v.dropFirst(7)
        } else if v.hasPrefix("//") {
            rest = v.dropFirst(2)
        } else {
            return value
        }
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<end]
        guard pointsAt(upstream, authority) else { return value }
        var path = rest[end...]
        if !path.hasPrefix("/") { path = "/" + path }
        let local = prefix + path
        guard let externalHost else { return String(local) }
        return proto + "://" + externalHost + local
    }

    private static func pointsAt(_ upstream: Upstream, _ authority: Substring) -> Bool {
        let a = authority.lowercased()
        return a == upstream.authority || a == upstream.hostHeader || (upstream.port == 80 && a == upstream.host + ":80")
    }
}
