import DozeJSON
import Synchronization

/// Who holds each route (host + path) across every namespace. Two Apps asking for the same
/// route: the older (creationTimestamp, then namespace/name) keeps it, the newer is refused.
/// Kept up to date from the App cache's changes, so a reconcile asks in O(1) instead of parsing
/// every App.
public final class RouteIndex: Sendable {
    struct Claim: Sendable, Equatable {
        var route: String
        var created: String
        var key: String
        /// The order that decides who keeps a route.
        static func older(_ a: Claim, _ b: Claim) -> Bool { (a.created, a.key) < (b.created, b.key) }
    }

    private struct State {
        var claims: [String: Claim] = [:]
        var byRoute: [String: Set<String>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// `host path`, host in lower case, "" for any host.
    public static func routeKey(_ route: Route) -> String { "\((route.host ?? "").lowercased()) \(route.path)" }

    /// Records an App's new state (nil when gone); returns the keys of the Apps whose verdict may
    /// have changed: those sharing its old or its new route.
    public func update(key: String, object: JSON?) -> Set<String> {
        let claim = object.flatMap { Self.claim(key: key, object: $0) }
        return state.withLock { s in
            var affected: Set<String> = []
            if let old = s.claims[key] {
                s.byRoute[old.route]?.remove(key)
                if s.byRoute[old.route]?.isEmpty == true { s.byRoute[old.route] = nil }
                affected.formUnion(s.byRoute[old.route] ?? [])
            }
            s.claims[key] = claim
            if let claim {
                affected.formUnion(s.byRoute[claim.route] ?? [])
                s.byRoute[claim.route, default: []].insert(key)
            }
            affected.remove(key)
            return affected
        }
    }

    /// The App that keeps the route `key` asks for, if it is another App.
    public func holder(ofRouteOf key: String) -> String? {
        state.withLock { s in
            guard let mine = s.claims[key] else { return nil }
            let rivals = (s.byRoute[mine.route] ?? []).compactMap { s.claims[$0] }
            let winner = rivals.min(by: Claim.older)
            return winner.map(\.key) == key ? nil : winner?.key
        }
    }

    /// A valid App that is not being deleted claims its route; an invalid one claims nothing.
    static func claim(key: String, object: JSON) -> Claim? {
        guard object[path: "metadata", "deletionTimestamp"].isNull,
              let app = try? App(parsing: object) else { return nil }
        return Claim(route: routeKey(app.spec.route),
                     created: object[path: "metadata", "creationTimestamp"].string ?? "", key: key)
    }
}
