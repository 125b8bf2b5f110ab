/// Where a kind lives in the API: enough to build every URL for it without discovery.
/// Doze talks to a fixed set of kinds, so these are constants rather than discovered at run time.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// API group; "" for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// Lower-case plural used in URLs (`deployments`).
    public var plural: String
    public var kind: String
    /// Namespaced kinds live under `/namespaces/{ns}/`; cluster-scoped ones never do.
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `apps/v1` otherwise: the `apiVersion` field of objects.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/{group}/{version}`.
    public var pathPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The collection URL path. A nil namespace on a namespaced kind means "all namespaces"
    /// (valid for list, watch and nothing else).
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace {
            return "\(pathPrefix)/namespaces/\(PathEncoding.segment(namespace))/\(plural)"
        }
        return "\(pathPrefix)/\(plural)"
    }

    /// The path of one object, optionally of one of its subresources (`status`, `scale`).
    public func objectPath(name: String, namespace: String?, subresource: String? = nil) -> String {
        var path = "\(collectionPath(namespace: namespace))/\(PathEncoding.segment(name))"
        if let subresource { path += "/\(subresource)" }
        return path
    }
}

extension ResourceType {
    public static let app = ResourceType(
        group: "doze.dev", version: "v1alpha1", plural: "apps", kind: "App", namespaced: true)
    public static let deployment = ResourceType(
        group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    public static let service = ResourceType(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    public static let persistentVolumeClaim = ResourceType(
        group: "", version: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim",
        namespaced: true)
    public static let secret = ResourceType(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let configMap = ResourceType(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let endpointSlice = ResourceType(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice",
        namespaced: true)
    public static let lease = ResourceType(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    /// core/v1 Event: what `kubectl describe` shows.
    public static let coreEvent = ResourceType(
        group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    /// events.k8s.io/v1 Event: the newer API (same storage, different field names).
    public static let event = ResourceType(
        group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public static let pod = ResourceType(
        group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public static let namespace = ResourceType(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let customResourceDefinition = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
        kind: "CustomResourceDefinition", namespaced: false)
}
