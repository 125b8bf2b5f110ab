/// What a route built from an App carries beyond host, path and ready upstreams: who the App
/// is, which of its endpoints are starting, and how to wake it (contract §1).
public struct AppRouteInfo: Sendable, Hashable {
    /// "namespace/name": the key of `/activity`, `/fence` and the wake shell.
    public let key: String
    public let namespace: String
    public let name: String
    /// Endpoints present in the App's EndpointSlices, not ready and not terminating: probed
    /// directly during a wake so no readiness period is added to a cold start.
    public let starting: [Upstream]
    /// Every endpoint in the slices (any condition) with the pod that owns it, so a fence's
    /// exclusion can end when that pod's endpoint leaves (not when a new pod reuses the address).
    public let present: [Upstream: String]
    public let wake: WakeSettings

    public init(namespace: String, name: String, starting: [Upstream] = [], present: [Upstream: String] = [:],
                wake: WakeSettings = WakeSettings()) {
        key = namespace + "/" + name
        self.namespace = namespace
        self.name = name
        self.starting = starting
        self.present = present
        self.wake = wake
    }
}

/// The App's scaling fields the proxy needs, defaults applied.
public struct WakeSettings: Sendable, Hashable {
    public var minReplicas: Int
    public var scaleToZero: Bool
    public var startupTimeout: Duration
    public var requestTimeout: Duration
    /// The path probed on starting endpoints (the route path prefixed when not stripped).
    public var healthPath: String

    public init(minReplicas: Int = 1, scaleToZero: Bool = true, startupTimeout: Duration = .seconds(120),
                requestTimeout: Duration = .seconds(300), healthPath: String = "/") {
        self.minReplicas = minReplicas
        self.scaleToZero = scaleToZero
        self.startupTimeout = startupTimeout
        self.requestTimeout = requestTimeout
        self.healthPath = healthPath
    }
}
