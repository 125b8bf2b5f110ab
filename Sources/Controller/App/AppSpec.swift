import DozeJSON

/// An App as the controller understands it: identity plus a spec with every default filled in and
/// every value validated and normalised. Built only by `App(parsing:)`, so holding one means the
/// renderers cannot meet a malformed value.
public struct App: Sendable, Hashable {
    public let name: String
    public let namespace: String
    /// The App's uid, for owner references of its children.
    public let uid: String
    public let generation: Int64
    public let spec: AppSpec
}

public struct AppSpec: Sendable, Hashable {
    public var image: String
    public var command: [String]?
    public var args: [String]?
    public var port: Int
    /// The health path as written (`/`, `/_stcore/health`), before the route path is prefixed.
    public var health: String
    /// Environment values; non-string JSON values already encoded as OpenRun does.
    public var params: [String: String]
    public var secrets: [String: SecretRef]
    public var resources: Resources
    public var volumes: [Volume]
    public var route: Route
    public var scaling: Scaling
}

public struct SecretRef: Sendable, Hashable {
    public var secretName: String
    public var key: String
    public var optional: Bool
}

/// containerOptions, already turned into canonical Kubernetes quantities.
public struct Resources: Sendable, Hashable {
    public var cpu: String?
    public var memory: String?
}

public struct Volume: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A PersistentVolumeClaim `<app>-<name>`; `size` is a canonical quantity.
        case claim(name: String, size: String, storageClassName: String?, retain: Bool)
        /// A file rendered from the template with the params; `content` is the rendered text.
        case template(source: String, content: String)
    }

    public var mountPath: String
    public var readOnly: Bool
    public var source: Source
}

public struct Route: Sendable, Hashable {
    /// A DNS name or `*.domain`; nil means any host.
    public var host: String?
    /// `/` or a prefix without a trailing slash.
    public var path: String
    public var stripPath: Bool

    /// What the app is told in CL_APP_PATH: the path, or "" for an app at the root.
    public var appPath: String { path == "/" ? "" : path }
}

public struct Scaling: Sendable, Hashable {
    public var minReplicas: Int
    public var maxReplicas: Int
    public var scaleToZero: Bool
    public var idleTimeout: AppDuration
    public var startupTimeout: AppDuration
    public var requestTimeout: AppDuration
    public var targetConcurrency: Int
}

extension AppSpec {
    /// The defaults, in one place: the CRD states the same ones (see docs/app-reference.md).
    enum Defaults {
        static let port = 8000
        static let health = "/"
        static let volumeSize = "10Gi"
        static let path = "/"
        static let minReplicas = 1
        static let idleTimeout = AppDuration.seconds(180)
        static let startupTimeout = AppDuration.seconds(120)
        static let requestTimeout = AppDuration.seconds(300)
        static let targetConcurrency = 100
    }

    /// Environment names the controller sets itself; a param or secret may not take them.
    public static let reservedEnv: Set<String> = ["PORT", "CL_APP_PATH", "CL_APP_URL", "POD_IP"]

    /// The container options Doze knows (OpenRun's replica options live in `scaling`).
    public static let knownContainerOptions = ["cpus", "memory"]

    public var hasClaim: Bool {
        volumes.contains { if case .claim = $0.source { return true } else { return false } }
    }
}
