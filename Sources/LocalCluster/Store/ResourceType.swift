import DozeJSON

/// Everything the store and the API server know about one kind of resource: its names for
/// discovery, its scope, and the per-kind rules kube-apiserver applies (status subresource,
/// generation, graceful deletion...).
public struct ResourceType: Sendable {
    public var group: String
    /// Served versions; the first is the preferred one.
    public var versions: [String]
    public var resource: String
    public var singular: String
    public var kind: String
    public var listKind: String
    public var namespaced: Bool
    public var shortNames: [String] = []
    public var categories: [String] = []
    public var verbs: [String] = ResourceType.allVerbs

    /// Writes to the main resource keep the stored status; only `/status` changes it.
    public var hasStatusSubresource = false
    /// `/scale` for this kind, or nil.
    public var scale: ScalePaths?
    /// Subresources beyond status and scale that discovery lists (pods/log...).
    public var otherSubresources: [String] = []

    /// `metadata.generation` is kept and bumped when anything outside metadata (and status) changes.
    public var tracksGeneration = false
    /// Deployments also bump generation on annotation changes.
    public var generationCountsAnnotations = false
    /// Status put in place on create (pods start Pending, namespaces Active).
    public var initialStatus: JSON?
    /// A delete with a grace period only marks the object (pods bound to a node, as kubelet's
    /// confirmation is awaited); a delete with grace 0 removes it.
    public var gracefulDeletion = false
    /// Custom resources refuse a PUT without `metadata.resourceVersion`.
    public var requiresResourceVersionOnUpdate = false
    /// Leases may be created by a PUT.
    public var allowCreateOnUpdate = false
    /// A deleted object is returned as itself rather than as a Success Status.
    public var returnsDeletedObject = false
    /// Field selector labels beyond metadata.name and metadata.namespace, as JSON paths with dots.
    public var selectableFields: [String] = []
    /// For custom resources: the CRD that defines this type.
    public var definition: JSON?
    /// Served from another kind's storage (events.k8s.io/v1 Events).
    public var alias: StorageAlias?

    public static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    public init(group: String, version: String, resource: String, singular: String, kind: String,
                namespaced: Bool) {
        self.group = group
        self.versions = [version]
        self.resource = resource
        self.singular = singular
        self.kind = kind
        self.listKind = kind + "List"
        self.namespaced = namespaced
    }

    public var preferredVersion: String { versions[0] }

    public func gvr(version: String? = nil) -> GroupVersionResource {
        GroupVersionResource(group: group, version: version ?? preferredVersion, resource: resource)
    }

    public var groupResource: GroupResource { GroupResource(group: group, resource: resource) }

    public func apiVersion(_ version: String? = nil) -> String {
        let v = version ?? preferredVersion
        return group.isEmpty ? v : "\(group)/\(v)"
    }

    public var isCustom: Bool { definition != nil }
}

/// Where a kind keeps its replica counts, for `/scale` (JSON paths such as `.spec.replicas`).
public struct ScalePaths: Sendable, Equatable {
    public var specReplicasPath: String
    public var statusReplicasPath: String
    public var labelSelectorPath: String?

    public init(specReplicasPath: String = ".spec.replicas", statusReplicasPath: String = ".status.replicas",
                labelSelectorPath: String? = nil) {
        self.specReplicasPath = specReplicasPath
        self.statusReplicasPath = statusReplicasPath
        self.labelSelectorPath = labelSelectorPath
    }
}
