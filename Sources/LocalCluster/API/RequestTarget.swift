/// What a request path names, after kube-apiserver's RequestInfoFactory: a discovery or
/// health document, or a resource request (`/apis/apps/v1/namespaces/default/deployments/web/scale`).
enum RequestTarget: Equatable {
    case version
    case health(String)
    case apiVersions
    case apiGroupList
    case apiGroup(String)
    case resourceList(group: String, version: String)
    case openAPIv2
    case openAPIv3Root
    case openAPIv3(group: String, version: String)
    case resource(ResourceRequest)
    case unknown

    struct ResourceRequest: Equatable {
        var group: String
        var version: String
        var resource: String
        var namespace: String?
        var name: String?
        var subresource: String?
        /// The legacy `/watch/` prefix was used.
        var watchPrefix = false

        var gvr: GroupVersionResource { GroupVersionResource(group: group, version: version, resource: resource) }
    }

    /// Subresources of namespaces themselves (`/api/v1/namespaces/foo/status`), which must not be
    /// read as a namespaced resource called `status`.
    static let namespaceSubresources: Set<String> = ["status", "finalize"]

    init(path: Substring) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Query.percentDecode($0) }
        self = Self.parse(parts)
    }

    private static func parse(_ p: [String]) -> RequestTarget {
        guard let first = p.first else { return .unknown }
        switch first {
        case "version": return .version
        case "healthz", "readyz", "livez": return .health(p.joined(separator: "/"))
        case "openapi":
            if p.count == 2, p[1] == "v2" { return .openAPIv2 }
            if p.count == 2, p[1] == "v3" { return .openAPIv3Root }
            if p.count == 4, p[1] == "v3", p[2] == "api" { return .openAPIv3(group: "", version: p[3]) }
            if p.count == 5, p[1] == "v3", p[2] == "apis" { return .openAPIv3(group: p[3], version: p[4]) }
            return .unknown
        case "api":
            if p.count == 1 { return .apiVersions }
            if p.count == 2 { return .resourceList(group: "", version: p[1]) }
            return resource(group: "", version: p[1], rest: Array(p[2...]))
        case "apis":
            if p.count == 1 { return .apiGroupList }
            if p.count == 2 { return .apiGroup(p[1]) }
            if p.count == 3 { return .resourceList(group: p[1], version: p[2]) }
            return resource(group: p[1], version: p[2], rest: Array(p[3...]))
        default: return .unknown
        }
    }

    private static func resource(group: String, version: String, rest: [String]) -> RequestTarget {
        var r = rest
        var watch = false
        if r.first == "watch" { watch = true; r.removeFirst() }
        var namespace: String?
        if r.count >= 3, r[0] == "namespaces", !namespaceSubresources.contains(r[2]) {
            namespace = r[1]
            r.removeFirst(2)
        }
        guard !r.isEmpty, r.count <= 3 else { return .unknown }
        return .resource(ResourceRequest(group: group, version: version, resource: r[0], namespace: namespace,
                                         name: r.count > 1 ? r[1] : nil, subresource: r.count > 2 ? r[2] : nil,
                                         watchPrefix: watch))
    }
}

/// A parsed query string.
struct Query {
    private var values: [String: String] = [:]

    init(_ raw: Substring?) {
        guard let raw else { return }
        for pair in raw.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.percentDecode(kv[0], plusIsSpace: true)
            values[key] = kv.count > 1 ? Self.percentDecode(kv[1], plusIsSpace: true) : ""
        }
    }

    subscript(_ key: String) -> String? { values[key] }

    func bool(_ key: String) -> Bool {
        guard let v = values[key] else { return false }
        return v == "true" || v == "1" || v == ""
    }

    func int(_ key: String) -> Int? { values[key].flatMap { Int($0) } }

    static func percentDecode<S: StringProtocol>(_ s: S, plusIsSpace: Bool = false) -> String {
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2, let h = hex(it[it.startIndex]), let l = hex(it[it.startIndex + 1]) {
                out.append(h << 4 | l)
                it = it.dropFirst(2)
            } else if c == UInt8(ascii: "+"), plusIsSpace {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
