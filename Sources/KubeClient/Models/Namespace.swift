import DozeJSON

/// core/v1 Namespace (cluster-scoped).
public struct Namespace: KubeObject {
    public static let resourceType = ResourceType.namespace
    public var json: JSON
    public init(json: JSON) { self.json = json }

    /// `Active` or `Terminating`.
    public var phase: String? { json[path: "status", "phase"].string }
}
