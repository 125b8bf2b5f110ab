/// Names a resource collection the way URLs do: `/apis/{group}/{version}/{resource}`.
/// The core group is the empty string.
public struct GroupVersionResource: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    /// `apps/v1` or `v1` for the core group.
    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `deployments.apps` or `pods`: how kube-apiserver names a resource in error messages.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// Objects are stored once per group and resource, whatever version a client speaks.
    var storageKey: GroupResource { GroupResource(group: group, resource: resource) }

    public var description: String { "\(groupVersion)/\(resource)" }
}

/// A resource independent of its version: the key objects are stored under.
public struct GroupResource: Hashable, Sendable {
    public var group: String
    public var resource: String
}

extension GroupVersionResource {
    public static let namespaces = core("namespaces")
    public static let pods = core("pods")
    public static let nodes = core("nodes")
    public static let services = core("services")
    public static let secrets = core("secrets")
    public static let configMaps = core("configmaps")
    public static let persistentVolumeClaims = core("persistentvolumeclaims")
    public static let events = core("events")
    public static let serviceAccounts = core("serviceaccounts")
    public static let endpoints = core("endpoints")
    public static let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
    public static let replicaSets = GroupVersionResource(group: "apps", version: "v1", resource: "replicasets")
    public static let endpointSlices = GroupVersionResource(group: "discovery.k8s.io", version: "v1",
                                                            resource: "endpointslices")
    public static let leases = GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases")
    public static let eventsV1 = GroupVersionResource(group: "events.k8s.io", version: "v1", resource: "events")
    public static let customResourceDefinitions = GroupVersionResource(
        group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions")

    static func core(_ resource: String) -> GroupVersionResource {
        GroupVersionResource(group: "", version: "v1", resource: resource)
    }
}
