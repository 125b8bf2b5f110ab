import DozeJSON

/// What a render needs besides the App: controller-wide settings and the scaling decision.
/// Keeping these inputs explicit keeps the renderers pure (same inputs, same bytes).
public struct RenderContext: Sendable, Hashable {
    /// The proxy's external base URL (`http://localhost:8080`), for apps with no host of their own
    /// (and wildcard hosts, which have no single URL).
    public var baseURL: String
    /// The scheme of URLs built from `route.host`.
    public var hostScheme: String
    /// The port in URLs built from `route.host`, when the proxy is not on the scheme's default
    /// port (`doze dev`: `http://hello.localhost:8080`). nil: no port in the URL.
    public var hostPort: Int?

    public init(baseURL: String, hostScheme: String = "http", hostPort: Int? = nil) {
        self.baseURL = baseURL
        self.hostScheme = hostScheme
        self.hostPort = hostPort
    }

    /// The app's external URL, without a trailing slash for a path app so that `$CL_APP_URL/x`
    /// composes (`http://hello.example.com/hello`, `http://localhost:8080`).
    public func externalURL(of route: Route) -> String {
        if let host = route.host, !host.hasPrefix("*.") {
            let port = hostPort.map { ":\($0)" } ?? ""
            return "\(hostScheme)://\(host)\(port)\(route.appPath)"
        }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + route.appPath
    }
}

/// Who sets the Deployment's replica count.
public enum DesiredReplicas: Sendable, Hashable {
    /// The controller: 0 while asleep, minReplicas while awake (capped at 1 with a volume claim).
    case count(Int)
    /// An autoscaler (HPA) owns `spec.replicas`: the rendered Deployment leaves it out, so a
    /// server-side apply neither sets nor takes ownership of it.
    case autoscaler
}

/// Everything the controller applies for one App, in a fixed order.
public struct RenderedApp: Sendable, Hashable {
    public var deployment: JSON
    public var service: JSON
    /// PersistentVolumeClaims, one per named volume, in spec order.
    public var claims: [JSON]
    /// Secrets holding rendered templates, in spec order.
    public var secrets: [JSON]
    /// Things the user should hear about that do not stop the app (the reconciler emits Events).
    public var warnings: [String]

    /// Children in apply order: Secrets and claims before the Deployment whose pods mount them.
    public var objects: [JSON] { secrets + claims + [deployment, service] }
}

extension App {
    /// Renders every child of the App.
    public func render(_ context: RenderContext, replicas: DesiredReplicas) -> RenderedApp {
        let secrets = templateSecrets()
        var warnings: [String] = []
        if spec.hasClaim, spec.scaling.maxReplicas > 1 {
            warnings.append("spec.scaling.maxReplicas: \(spec.scaling.maxReplicas) is ignored; an app with a named volume (a ReadWriteOnce claim) runs at most 1 replica")
        }
        return RenderedApp(
            deployment: deployment(context, replicas: replicas, secrets: secrets),
            service: service(),
            claims: claims(),
            secrets: secrets,
            warnings: warnings)
    }
}
