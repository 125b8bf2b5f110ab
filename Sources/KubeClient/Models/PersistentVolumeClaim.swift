import DozeJSON

/// core/v1 PersistentVolumeClaim.
public struct PersistentVolumeClaim: KubeObject {
    public static let resourceType = ResourceType.persistentVolumeClaim
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var accessModes: [String] {
        get { (json[path: "spec", "accessModes"].array ?? []).compactMap(\.string) }
        set { json[path: "spec", "accessModes"] = JSON(newValue) }
    }
    public var storageClassName: String? {
        get { json[path: "spec", "storageClassName"].string }
        set { json[path: "spec", "storageClassName"] = newValue.map(JSON.string) ?? .null }
    }
    /// `spec.resources.requests.storage`, e.g. `1Gi`.
    public var storageRequest: String? {
        get { json[path: "spec", "resources", "requests", "storage"].string }
        set { json[path: "spec", "resources", "requests", "storage"] = newValue.map(JSON.string) ?? .null }
    }
    /// `Pending`, `Bound` or `Lost`.
    public var phase: String? { json[path: "status", "phase"].string }
}
