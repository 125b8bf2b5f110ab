/// Per-loop copies of a snapshot.
///
/// Every request retains and releases parts of the table it is routed with: the table itself,
/// the route's upstream list, its strings. On one table shared by all loops those reference
/// counts are written from every core, so their cache lines bounce between cores on each
/// request (`hack/count-proxy-calls`: ~8 such writes per request). A loop that
/// routes with a copy of its own writes only lines no other core touches. The App runtimes stay
/// shared on purpose: they are the one place where the loops meet.
extension RouteTable {
    /// The same routes, indexes and App runtimes, in storage no other copy uses.
    func loopCopy() -> RouteTable {
        RouteTable(routes: routes.map { $0.loopCopy() }, generation: generation, metricSlots: metricSlots.map { $0 },
                   apps: apps.map { $0 })
    }
}

extension Route {
    func loopCopy() -> Route { Route(copying: self) }

    /// The fields are normalised already: copied, not parsed again.
    private init(copying r: Route) {
        host = r.host.map(freshString)
        path = freshString(r.path)
        stripPath = r.stripPath
        upstreams = r.upstreams.map { $0.loopCopy() }
        app = r.app?.loopCopy()
    }
}

extension Upstream {
    func loopCopy() -> Upstream { Upstream(host: freshString(host), port: port) }
}

extension AppRouteInfo {
    func loopCopy() -> AppRouteInfo {
        var present: [Upstream: String] = [:]
        for (u, pod) in self.present { present[u.loopCopy()] = freshString(pod) }
        var wake = self.wake
        wake.healthPath = freshString(wake.healthPath)
        return AppRouteInfo(namespace: freshString(namespace), name: freshString(name),
                            starting: starting.map { $0.loopCopy() }, present: present, wake: wake)
    }
}

/// A string equal to `s` in storage of its own (strings of up to 15 bytes have no storage).
func freshString(_ s: String) -> String {
    String(decoding: Array(s.utf8), as: UTF8.self)
}
