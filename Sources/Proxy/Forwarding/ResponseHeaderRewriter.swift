import HTTPCore

/// Builds the header block sent to the client from the upstream's: hop-by-hop fields dropped
/// (kept for a 101 the proxy tunnels) and a `Location` that points at the upstream rewritten
/// to the address the client used. `Connection`, `Transfer-Encoding` and `Content-Length` may
/// stay in the result: the client connection's writer replaces them with its own framing.
public enum ResponseHeaderRewriter {
    public static func clientHeaders(_ headers: HTTPHeaders, status: Int, route: Route, upstream: Upstream,
                                     externalHost: String?, proto: String) -> HTTPHeaders {
        var hasConnection = false, edits = false
        headers.forEachField { f in
            if f.nameIs("connection") && !HeaderNames.isPlainConnectionValue(f) { hasConnection = true }
            if f.nameIs("location") || (HeaderNames.isHopByHop(f.name) && !HTTPWriter.isFramingField(f.name)) { edits = true }
        }
        let tokens = hasConnection ? HeaderNames.connectionTokens(headers) : []
        // The usual response needs no edit: the fields the client connection frames itself
        // (`Connection`, `Content-Length`, `Transfer-Encoding`) are dropped when it writes the
        // head, so the upstream's list goes on as it is, without a copy.
        if !edits && tokens.isEmpty && status != 101 { return headers }
        // Fields are copied line for line; only a `Location` becomes a string, to be rewritten.
        var out = HTTPHeaders()
        headers.withWireBytes { out.reserveCapacity(bytes: $0.count + 40) }
        var upgrade: String?
        headers.forEachField { f in
            if HeaderNames.isHopByHop(f.name) {
                if status == 101 && f.nameIs("upgrade") { upgrade = f.valueString }
                return
            }
            if !tokens.isEmpty && tokens.contains(where: { f.nameEquals($0) }) { return }
            if f.nameIs("location") {
                out.add(f.nameString, rewriteLocation(f.valueString, route: route, upstream: upstream,
                                                      externalHost: externalHost, proto: proto))
                return
            }
            out.append(f)
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
