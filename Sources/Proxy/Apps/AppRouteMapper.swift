import DozeJSON
import KubeClient

/// App object + its Service's EndpointSlices → one route (contract §1). Pure: the route source
/// calls it on every snapshot, tests call it on literals.
public enum AppRouteMapper {
    public static let defaultPort = 8000

    /// The route for `app`; `slices` are the slices of the App's Service (any others are ignored).
    public static func route(for app: AppObject, slices: [EndpointSlice]) throws(AppRouteError) -> Route {
        let json = app.json
        guard let name = json[path: "metadata", "name"].string, !name.isEmpty else { throw AppRouteError("metadata.name is missing") }
        let namespace = json[path: "metadata", "namespace"].string ?? "default"
        let spec = json["spec"]
        let routeSpec = spec["route"]
        let host = try optionalString(routeSpec["host"], "spec.route.host")
        let path = try optionalString(routeSpec["path"], "spec.route.path")
        let strip = try optionalBool(routeSpec["stripPath"], "spec.route.stripPath") ?? true
        let port = spec["port"].int ?? defaultPort
        guard (1...65535).contains(port) else { throw AppRouteError("spec.port \(port) is not a port") }
        let wake = try wakeSettings(spec, routePath: path ?? "/", strip: strip)

        var ready: [Upstream] = [], starting: [Upstream] = [], present: [Upstream: String] = [:]
        for slice in slices where slice.serviceName == name && (slice.namespace ?? namespace) == namespace {
            if let type = slice.addressType, type != "IPv4" && type != "IPv6" { continue }
            for ep in slice.endpoints {
                guard let ip = ep.addresses.first, !ip.isEmpty else { continue }
                let upstream = Upstream(host: ip.lowercased(), port: port)
                guard present[upstream] == nil else { continue }
                present[upstream] = ep.targetRef?.name ?? ep.targetRef?.uid ?? ""
                let c = ep.conditions
                let terminating = c.terminating ?? false
                if c.isReady && !terminating { ready.append(upstream) }
                else if !terminating { starting.append(upstream) }
            }
        }
        let info = AppRouteInfo(namespace: namespace, name: name, starting: starting.sorted(by: order),
                                present: present, wake: wake)
        do {
            return try Route(host: host, path: path, stripPath: strip, upstreams: ready.sorted(by: order), app: info)
        } catch {
            throw AppRouteError("spec.route.\(error.field): \(error)")
        }
    }

    static func wakeSettings(_ spec: JSON, routePath: String, strip: Bool) throws(AppRouteError) -> WakeSettings {
        let scaling = spec["scaling"]
        var w = WakeSettings()
        if let n = scaling["minReplicas"].int { w.minReplicas = max(n, 1) }
        if let b = try optionalBool(scaling["scaleToZero"], "spec.scaling.scaleToZero") { w.scaleToZero = b }
        if let d = try duration(scaling["startupTimeout"], "spec.scaling.startupTimeout") { w.startupTimeout = d }
        if let d = try duration(scaling["requestTimeout"], "spec.scaling.requestTimeout") { w.requestTimeout = d }
        let health = try optionalString(spec["health"], "spec.health") ?? "/"
        guard health.hasPrefix("/") else { throw AppRouteError("spec.health \"\(health)\" must start with /") }
        // As the renderer probes it: under the route path when the proxy does not strip it.
        let prefix = (try? Route.normalizedPath(routePath)) ?? "/"
        w.healthPath = strip || prefix == "/" ? health : prefix + health
        return w
    }

    private static func order(_ a: Upstream, _ b: Upstream) -> Bool { a.authority < b.authority }

    private static func optionalString(_ v: JSON, _ field: String) throws(AppRouteError) -> String? {
        if v.isNull { return nil }
        guard let s = v.string else { throw AppRouteError("\(field) must be a string") }
        return s
    }

    private static func optionalBool(_ v: JSON, _ field: String) throws(AppRouteError) -> Bool? {
        if v.isNull { return nil }
        guard let b = v.bool else { throw AppRouteError("\(field) must be true or false") }
        return b
    }

    private static func duration(_ v: JSON, _ field: String) throws(AppRouteError) -> Duration? {
        guard let text = try optionalString(v, field) else { return nil }
        guard let d = GoDuration.parse(text), d > .zero else { throw AppRouteError("\(field) \"\(text)\" is not a duration") }
        return d
    }
}

/// Why an App cannot be routed (the App is skipped and the reason logged).
public struct AppRouteError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
