import DozeJSON

/// The shapes Kubernetes (and the proxy) require of names, hosts and paths, checked by hand so
/// that a spec that bypassed the CRD schema still cannot produce an object the API server rejects.
enum NameRules {
    /// RFC 1035 label: what a Service name must be. An App's name becomes its Service's name.
    static func isDNS1035Label(_ s: String) -> Bool {
        guard let first = s.utf8.first, isLower(first), s.utf8.count <= 63 else { return false }
        return isLabelBody(s)
    }

    /// RFC 1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63.
    static func isDNS1123Label(_ s: String) -> Bool {
        guard let first = s.utf8.first, isLower(first) || isDigit(first), s.utf8.count <= 63 else { return false }
        return isLabelBody(s)
    }

    /// RFC 1123 subdomain: dot-separated labels, at most 253 (Secret and StorageClass names).
    static func isDNS1123Subdomain(_ s: String) -> Bool {
        s.utf8.count <= 253 && s.split(separator: ".", omittingEmptySubsequences: false)
            .allSatisfy { isDNS1123Label(String($0)) }
    }

    /// A route host: a subdomain, or `*.` followed by one (a wildcard matches one or more labels).
    static func isHost(_ s: String) -> Bool {
        let name = s.hasPrefix("*.") ? String(s.dropFirst(2)) : s
        return isDNS1123Subdomain(name)
    }

    /// Kubernetes' classic env var name rule (`[-._a-zA-Z][-._a-zA-Z0-9]*`).
    static func isEnvName(_ s: String) -> Bool {
        guard let first = s.utf8.first, !isDigit(first) else { return false }
        return s.utf8.allSatisfy { isLower($0) || isUpper($0) || isDigit($0) || "-._".utf8.contains($0) }
    }

    /// A Secret data key (`[-._a-zA-Z0-9]+`).
    static func isSecretKey(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 253
            && s.utf8.allSatisfy { isLower($0) || isUpper($0) || isDigit($0) || "-._".utf8.contains($0) }
    }

    /// Why a route path is unacceptable, or nil. A path is `/` or `/seg(/seg)*`: no trailing slash
    /// (the proxy matches whole segments), no empty, `.` or `..` segment, only URL path characters.
    static func routePathProblem(_ p: String) -> String? {
        guard p.hasPrefix("/") else { return "must start with /" }
        if p == "/" { return nil }
        if p.hasSuffix("/") { return "must not end with /" }
        if p.utf8.count > 1024 { return "must be at most 1024 characters" }
        for seg in p.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if seg.isEmpty { return "must not contain //" }
            if seg == "." || seg == ".." { return "must not contain . or .. segments" }
            if let bad = seg.unicodeScalars.first(where: { !isPathChar($0) }) {
                return "must not contain \(quoted(String(bad)))"
            }
        }
        return nil
    }

    /// Why a mount path is unacceptable, or nil: absolute, not `/`, no `..`, no `:`.
    static func mountPathProblem(_ p: String) -> String? {
        guard p.hasPrefix("/") else { return "must be an absolute path" }
        if p == "/" { return "must not be /" }
        if p.hasSuffix("/") { return "must not end with /" }
        if p.contains(":") { return "must not contain :" }
        if p.split(separator: "/").contains("..") { return "must not contain .. segments" }
        return nil
    }

    private static func isPathChar(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-._~!$&'()*+,;=:@%".unicodeScalars.contains(c))
    }

    private static func isLabelBody(_ s: String) -> Bool {
        guard let last = s.utf8.last, isLower(last) || isDigit(last) else { return false }
        return s.utf8.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    private static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}

/// A value in double quotes with JSON escaping, so a message shows exactly what the user wrote.
func quoted(_ s: String) -> String { JSON.string(s).serialized() }
