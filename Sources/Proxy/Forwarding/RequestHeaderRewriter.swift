import HTTPCore

/// Who sent a request, as far as forwarding headers are concerned. Computed once per client
/// connection: the peer address and whether it is a trusted proxy.
public struct ClientPeer: Sendable {
    public let address: IPAddress?
    /// The address as text for `X-Forwarded-For` and `X-Real-IP`.
    public let text: String
    public let trusted: Bool
    /// The scheme the client used to reach us.
    public let proto: String

    public init(remoteAddress: String, trustedProxies: TrustedProxies, proto: String = "http") {
        self.proto = proto
        if trustedProxies.ranges.isEmpty {
            // Nothing to match against: skip address parsing, only drop the port.
            address = nil
            text = ClientPeer.hostPart(remoteAddress)
            trusted = false
            return
        }
        address = IPAddress(peer: remoteAddress)
        text = address?.description ?? remoteAddress
        trusted = trustedProxies.contains(address)
    }

    /// `1.2.3.4:5` → `1.2.3.4`, `[::1]:5` → `::1`. One pass over the bytes: it runs per request.
    static func hostPart(_ peer: String) -> String {
        peer.utf8.withContiguousStorageIfAvailable { b -> String in
            if b.first == UInt8(ascii: "["), let close = b.firstIndex(of: UInt8(ascii: "]")) {
                return String(decoding: UnsafeBufferPointer(rebasing: b[1..<close]), as: UTF8.self)
            }
            var colons = 0, last = -1
            for i in b.indices where b[i] == UInt8(ascii: ":") { colons += 1; last = i }
            if colons == 1 { return String(decoding: UnsafeBufferPointer(rebasing: b[..<last]), as: UTF8.self) }
            return peer
        } ?? { var copy = peer; copy.makeContiguousUTF8(); return hostPart(copy) }()
    }
}

/// Builds the header block sent upstream from the client's: hop-by-hop fields dropped,
/// forwarding fields set afresh (or extended, for a trusted peer), `Host` chosen.
public enum RequestHeaderRewriter {
    /// - Parameters:
    ///   - isUpgrade: the request asks for a protocol upgrade the proxy will tunnel; `Upgrade`
    ///     and `Connection: upgrade` are kept and the client's `Host` goes upstream unchanged.
    ///   - trustedProxies: used to find the real client in a trusted peer's `X-Forwarded-For` chain.
    public static func upstreamHeaders(_ headers: HTTPHeaders, route: Route, upstream: Upstream,
                                       peer: ClientPeer, isUpgrade: Bool,
                                       trustedProxies: TrustedProxies) -> HTTPHeaders {
        // The client's fields are read as bytes: kept ones are copied line for line, the Host
        // value goes to X-Forwarded-Host as bytes, and strings are made only for the values this
        // proxy reads (a trusted peer's chain, Host on an upgrade).
        var hasConnection = false
        headers.forEachField { f in
            if f.nameIs("connection") && !HeaderNames.isPlainConnectionValue(f) { hasConnection = true }
        }
        let tokens = hasConnection ? HeaderNames.connectionTokens(headers) : []
        var out = HTTPHeaders()
        headers.withWireBytes { out.reserveCapacity(bytes: $0.count + 160) }
        if isUpgrade {
            out.add("Host" as StaticString, headers["host"] ?? upstream.hostHeader)
        } else {
            out.add("Host" as StaticString, upstream.hostHeader)
        }
        var upgrade: String?
        var xff: String?, xfProto: String?, xfHost: String?, xfPrefix: String?
        headers.forEachField { f in
            if f.nameIs("host") { return }
            if HeaderNames.isHopByHop(f.name) {
                if isUpgrade && f.nameIs("upgrade") { upgrade = f.valueString }
                return
            }
            if !tokens.isEmpty && tokens.contains(where: { f.nameEquals($0) }) { return }
            if HeaderNames.isForwardingInfo(f) {
                guard peer.trusted else { return }
                // A trusted peer's values are carried on; ours replace or extend the four we set.
                if f.nameIs("x-forwarded-for") { xff = xff.map { $0 + ", " + f.valueString } ?? f.valueString; return }
                if f.nameIs("x-forwarded-proto") { xfProto = xfProto ?? f.valueString; return }
                if f.nameIs("x-forwarded-host") { xfHost = xfHost ?? f.valueString; return }
                if f.nameIs("x-forwarded-prefix") { xfPrefix = xfPrefix ?? f.valueString; return }
                if f.nameIs("x-real-ip") { return }
            }
            out.append(f)
        }
        if isUpgrade, let upgrade {
            out.add("Connection" as StaticString, "upgrade")
            out.add("Upgrade" as StaticString, upgrade)
        }
        let chain = xff.map { $0 + ", " + peer.text } ?? peer.text
        out.add("X-Forwarded-For" as StaticString, chain)
        out.add("X-Forwarded-Proto" as StaticString, xfProto ?? peer.proto)
        if let xfHost {
            out.add("X-Forwarded-Host" as StaticString, xfHost)
        } else {
            // The client's Host, copied as bytes: its first field, as the parser saw it.
            var done = false
            headers.forEachField { f in
                guard !done, f.nameIs("host") else { return }
                done = true
                out.add("X-Forwarded-Host" as StaticString, valueOf: f)
            }
        }
        let prefix = joinPrefix(xfPrefix, route.strippedPrefix)
        if !prefix.isEmpty { out.add("X-Forwarded-Prefix" as StaticString, prefix) }
        out.add("X-Real-IP" as StaticString, peer.trusted ? realClient(chain, trustedProxies) : peer.text)
        return out
    }

    /// A trusted peer's prefix comes first: it stripped its part before we stripped ours.
    static func joinPrefix(_ outer: String?, _ inner: String) -> String {
        guard var outer = outer.map({ String($0.trimmingSpaces()) }), !outer.isEmpty else { return inner }
        while outer.hasSuffix("/") { outer.removeLast() }
        return outer + inner
    }

    /// The right-most address in the chain that is not a trusted proxy: the nearest hop we
    /// cannot vouch for. If every hop is trusted, the left-most.
    static func realClient(_ chain: String, _ trusted: TrustedProxies) -> String {
        let hops = chain.split(separator: ",").map { String($0).trimmingSpaces() }
        for hop in hops.reversed() where !trusted.contains(IPAddress(hop)) { return String(hop) }
        return hops.first.map(String.init) ?? ""
    }

    /// True when the request asks to switch protocols: `Connection: upgrade` plus `Upgrade`.
    public static func isUpgradeRequest(_ headers: HTTPHeaders) -> Bool {
        var connectionUpgrade = false, hasUpgrade = false
        headers.forEachField { f in
            if f.nameIs("connection"), f.valueIs("upgrade") || HeaderNames.listContains(f.valueString, "upgrade") {
                connectionUpgrade = true
            }
            if f.nameIs("upgrade"), !f.value.isEmpty { hasUpgrade = true }
        }
        return connectionUpgrade && hasUpgrade
    }
}
