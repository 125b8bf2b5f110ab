import DozeJSON

/// How a list field of a built-in kind merges, in strategic merge patch and server-side apply.
enum ListMerge: Sendable, Equatable {
    /// Replaced whole (lists with no patch strategy: `tolerations`, `args`, `envFrom`...).
    case atomic
    /// A set of scalars, merged by union (`metadata.finalizers`).
    case set
    /// A list of objects merged element-wise: SMP matches on `smpKey` (the Go `patchMergeKey`),
    /// SSA on `ssaKeys` (the `listMapKeys`, which add `protocol` for ports).
    case map(smpKey: String, ssaKeys: [String])
}

/// The patch strategies and merge keys of the built-in kinds this server serves, taken from the
/// Go struct tags of core/v1, apps/v1 and meta/v1 (kube-api.md §9). A list is found by its field
/// path with array indices left out, so the same rules apply to a Pod's `spec.containers` and a
/// Deployment's `spec.template.spec.containers`.
enum BuiltinListTypes {
    /// Kinds whose Go types are compiled into kube-apiserver; only they accept strategic merge patch.
    static let kinds: Set<String> = [
        "Namespace", "Pod", "Service", "Secret", "ConfigMap", "PersistentVolumeClaim", "PersistentVolume",
        "Event", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
        "EndpointSlice", "Endpoints", "Lease", "CustomResourceDefinition", "ServiceAccount", "Node",
        "Scale", "PodTemplate", "ReplicationController", "LimitRange", "ResourceQuota",
    ]

    private static let containerLists: Set<String> = ["containers", "initContainers", "ephemeralContainers"]

    static func strategy(kind: String, path: [String]) -> ListMerge {
        guard let field = path.last else { return .atomic }
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        if containerLists.contains(parent) {
            switch field {
            case "env": return .map(smpKey: "name", ssaKeys: ["name"])
            case "ports": return .map(smpKey: "containerPort", ssaKeys: ["containerPort", "protocol"])
            case "volumeMounts": return .map(smpKey: "mountPath", ssaKeys: ["mountPath"])
            case "volumeDevices": return .map(smpKey: "devicePath", ssaKeys: ["devicePath"])
            case "resizePolicy": return .map(smpKey: "resourceName", ssaKeys: ["resourceName"])
            default: return .atomic
            }
        }
        switch (parent, field) {
        case ("spec", let f) where containerLists.contains(f):
            return .map(smpKey: "name", ssaKeys: ["name"])
        case ("spec", "volumes"), ("spec", "imagePullSecrets"), ("spec", "resourceClaims"):
            return .map(smpKey: "name", ssaKeys: ["name"])
        case ("spec", "hostAliases"):
            return .map(smpKey: "ip", ssaKeys: ["ip"])
        case ("spec", "topologySpreadConstraints"):
            return .map(smpKey: "topologyKey", ssaKeys: ["topologyKey", "whenUnsatisfiable"])
        case ("spec", "ports") where kind == "Service" && path.count == 2:
            return .map(smpKey: "port", ssaKeys: ["port", "protocol"])
        case ("status", "conditions"):
            return .map(smpKey: "type", ssaKeys: ["type"])
        case ("status", "podIPs"), ("status", "hostIPs"):
            return .map(smpKey: "ip", ssaKeys: ["ip"])
        case ("metadata", "ownerReferences"):
            return .map(smpKey: "uid", ssaKeys: ["uid"])
        case ("metadata", "finalizers"):
            return .set
        default:
            return .atomic
        }
    }

    /// Structs and maps that server-side apply owns as a whole (`+structType=atomic`,
    /// `+mapType=atomic` in the Go types): label selectors, node selectors, the env source
    /// references, and each owner reference.
    static func isAtomicMap(kind: String, path: [String]) -> Bool {
        guard let field = path.last else { return false }
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        switch field {
        case "selector": return parent == "spec"
        case "nodeSelector", "labelSelector", "namespaceSelector", "fieldRef", "resourceFieldRef",
             "configMapKeyRef", "secretKeyRef":
            return true
        case "ownerReferences": return parent == "metadata"  // the elements of the list
        default: return false
        }
    }

    /// Key fields that kube-apiserver defaults, so an applied element that leaves them out still
    /// matches the live element that has them (`protocol: TCP` on ports).
    static func defaultKeyValue(_ key: String) -> JSON? {
        key == "protocol" ? "TCP" : nil
    }
}
