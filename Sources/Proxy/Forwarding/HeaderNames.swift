import HTTPCore

/// ASCII case-insensitive comparisons on header names and tokens, without allocating.
enum HeaderNames {
    @inline(__always)
    static func equal(_ a: some StringProtocol, _ lower: String) -> Bool {
        let x = a.utf8, y = lower.utf8
        guard x.count == y.count else { return false }
        for (c, d) in zip(x, y) where c != d {
            guard c >= 0x41 && c <= 0x5A && c | 0x20 == d else { return false }
        }
        return true
    }

    /// The same for the common case, a `String`: compared over contiguous bytes (the generic
    /// version walks two UTF-8 views through `zip`, several times slower per header).
    @inline(__always)
    static func equal(_ a: String, _ lower: String) -> Bool {
        let x = a.utf8, y = lower.utf8
        guard x.count == y.count else { return false }
        let r = x.withContiguousStorageIfAvailable { px in
            y.withContiguousStorageIfAvailable { py in
                for i in 0..<px.count where px[i] != py[i] {
                    let c = px[i]
                    guard c >= 0x41 && c <= 0x5A && c | 0x20 == py[i] else { return false }
                }
                return true
            }
        }
        if let r, let r { return r }
        return equal(Substring(a), lower)
    }

    @inline(__always)
    static func hasPrefix(_ a: some StringProtocol, _ lower: String) -> Bool {
        let x = a.utf8, y = lower.utf8
        guard x.count >= y.count else { return false }
        for (c, d) in zip(x, y) where c != d {
            guard c >= 0x41 && c <= 0x5A && c | 0x20 == d else { return false }
        }
        return true
    }

    /// Hop-by-hop fields a proxy must not forward (RFC 9110 §7.6.1), `Upgrade` included: it is
    /// re-added only for an upgrade the proxy tunnels.
    static func isHopByHop(_ name: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 2: bytesEqualLower(name, "te")
        case 7: bytesEqualLower(name, "upgrade") || bytesEqualLower(name, "trailer")
        case 10: bytesEqualLower(name, "connection") || bytesEqualLower(name, "keep-alive")
        case 16: bytesEqualLower(name, "proxy-connection")
        case 17: bytesEqualLower(name, "transfer-encoding")
        default: false
        }
    }

    /// Fields that carry client identity as seen by earlier proxies: only trusted peers may set them.
    static func isForwardingInfo(_ f: HTTPHeaders.Field) -> Bool {
        f.nameHasPrefix("x-forwarded-") || f.nameIs("forwarded") || f.nameIs("x-real-ip")
    }

    /// `keep-alive`, `close` or `upgrade` alone: a `Connection` value that names no other field.
    static func isPlainConnectionValue(_ f: HTTPHeaders.Field) -> Bool {
        f.valueIs("keep-alive") || f.valueIs("close") || f.valueIs("upgrade")
    }

    /// The lower-cased tokens of every `Connection` field: more fields to drop as hop-by-hop.
    static func connectionTokens(_ headers: HTTPHeaders) -> [String] {
        var tokens: [String] = []
        headers.forEachField { f in
            guard f.nameIs("connection") else { return }
            // The usual value is one of these alone: no splitting, no strings made.
            if isPlainConnectionValue(f) { return }
            for t in f.valueString.split(separator: ",") {
                let token = String(t).trimmingSpaces()
                // keep-alive, close and upgrade name no extra field worth a comparison per header.
                if token.isEmpty || equal(token, "keep-alive") || equal(token, "close") || equal(token, "upgrade") { continue }
                tokens.append(token.lowercased())
            }
        }
        return tokens
    }

    /// True when a comma-separated field value lists `token` (case-insensitive).
    static func listContains(_ value: String, _ token: String) -> Bool {
        value.split(separator: ",").contains { equal(String($0).trimmingSpaces(), token) }
    }
}
