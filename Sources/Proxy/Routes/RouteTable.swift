/// An immutable snapshot of every route, indexed for lookup on the request path.
///
/// Lookup order: the request's host (lower-cased, port and trailing dot removed) is tried
/// 1. exactly, then 2. against wildcards `*.suffix`, most specific suffix first — a wildcard
///    matches one or more labels, so `*.example.com` matches `a.example.com` and
///    `a.b.example.com` but not `example.com` — then 3. the any-host routes.
/// Within each host group the longest path prefix on a segment boundary wins. A group whose
/// paths all miss falls through to the next group, so an any-host `/` route is a real catch-all.
public final class RouteTable: Sendable {
    public let routes: [Route]
    /// Every distinct upstream across routes; balancer counters are indexed by position here.
    public let upstreams: [Upstream]
    /// For each route, indices into `upstreams`.
    public let routeUpstreams: [[Int]]
    /// For each route, its metrics series slot (see `ProxyMetrics.routeSlot`).
    public let metricSlots: [Int]
    /// For each route, its App's runtime (activity cell and wake shell), cached here so the hot
    /// path reaches it without a lock; nil for static routes.
    public let apps: [AppRuntime?]
    /// Increases with every snapshot published; per-loop state keyed by indices resets on change.
    public let generation: UInt64

    private let exact: [String: [Int]]
    private let wildcard: [String: [Int]]
    private let anyHost: [Int]

    public convenience init(routes: [Route], generation: UInt64 = 0, metricSlot: (Route) -> Int = { _ in 0 },
                            app: (Route) -> AppRuntime? = { _ in nil }) {
        self.init(routes: routes, generation: generation, metricSlots: routes.map(metricSlot),
                  apps: routes.map { $0.app == nil ? nil : app($0) })
    }

    init(routes: [Route], generation: UInt64, metricSlots: [Int], apps: [AppRuntime?]) {
        self.routes = routes
        self.apps = apps
        self.generation = generation
        self.metricSlots = metricSlots
        var upstreamIndex: [Upstream: Int] = [:]
        var upstreams: [Upstream] = []
        routeUpstreams = routes.map { route in
            route.upstreams.map { u in
                if let i = upstreamIndex[u] { return i }
                upstreams.append(u)
                upstreamIndex[u] = upstreams.count - 1
                return upstreams.count - 1
            }
        }
        self.upstreams = upstreams

        var exact: [String: [Int]] = [:], wildcard: [String: [Int]] = [:], anyHost: [Int] = []
        for (i, r) in routes.enumerated() {
            switch r.host {
            case nil: anyHost.append(i)
            case let h? where h.hasPrefix("*."): wildcard[String(h.dropFirst(2)), default: []].append(i)
            case let h?: exact[h, default: []].append(i)
            }
        }
        // Longest path first; among equal paths the earlier route wins (stable sort).
        func order(_ ids: [Int]) -> [Int] {
            ids.enumerated().sorted { a, b in
                let la = routes[a.element].path.utf8.count, lb = routes[b.element].path.utf8.count
                return la != lb ? la > lb : a.offset < b.offset
            }.map(\.element)
        }
        self.exact = exact.mapValues(order)
        self.wildcard = wildcard.mapValues(order)
        self.anyHost = order(anyHost)
    }

    public static let empty = RouteTable(routes: [])

    /// The index of the route for a `Host` header value and a request path (no query), or nil.
    public func lookup(host rawHost: String?, path: Substring) -> Int? {
        if !exact.isEmpty || !wildcard.isEmpty, let rawHost, let host = RouteTable.normalizeHost(rawHost) {
            if let ids = exact[host], let hit = firstMatch(ids, path) { return hit }
            if !wildcard.isEmpty {
                var rest = Substring(host)
                while let dot = rest.firstIndex(of: ".") {
                    rest = rest[rest.index(after: dot)...]
                    if let ids = wildcard[String(rest)], let hit = firstMatch(ids, path) { return hit }
                }
            }
        }
        return firstMatch(anyHost, path)
    }

    private func firstMatch(_ ids: [Int], _ path: Substring) -> Int? {
        for i in ids where PathPrefix.matches(routes[i].path, path) { return i }
        return nil
    }

    /// Lower-cases and removes a port and a trailing dot; nil for an empty host.
    static func normalizeHost(_ raw: String) -> String? {
        // The common case, an already lower-case name without port, is returned as is.
        var needsWork = raw.utf8.last == UInt8(ascii: ".")
        for b in raw.utf8 where b == UInt8(ascii: ":") || (b >= 0x41 && b <= 0x5A) || b == 0x20 || b == 0x09 {
            needsWork = true
            break
        }
        if !needsWork { return raw.isEmpty ? nil : raw }
        var h = raw.trimmingSpaces()
        if h.hasPrefix("[") {
            // IPv6 literal: keep the brackets' content, drop the port.
            if let close = h.firstIndex(of: "]") { h = h[h.index(after: h.startIndex)..<close] }
        } else if let colon = h.lastIndex(of: ":") {
            h = h[..<colon]
        }
        if h.hasSuffix(".") { h = h.dropLast() }
        return h.isEmpty ? nil : h.lowercased()
    }
}

/// Path prefixes on segment boundaries: `/x` matches `/x`, `/x/` and `/x/y`, never `/xy`.
public enum PathPrefix {
    public static func matches(_ prefix: String, _ path: Substring) -> Bool {
        let p = prefix.utf8, s = path.utf8
        if p.count == 1 { return true } // "/" matches every path
        guard s.count >= p.count, s.starts(with: p) else { return false }
        if s.count == p.count { return true }
        return s[s.index(s.startIndex, offsetBy: p.count)] == UInt8(ascii: "/")
    }

    /// The target with the route's prefix removed: `/x/y?q` → `/y?q`, `/x` → `/`, `/x?q` → `/?q`.
    /// `target` must match `prefix` (see `matches`).
    public static func strip(_ prefix: String, from target: Substring) -> String {
        let n = prefix.utf8.count
        if n <= 1 { return String(target) }
        let rest = target.utf8.dropFirst(n)
        if rest.first == UInt8(ascii: "/") { return String(Substring(rest)) }
        return "/" + String(Substring(rest))
    }
}
