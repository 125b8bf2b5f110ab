import DozeJSON

/// apiextensions.k8s.io/v1 CustomResourceDefinition (cluster-scoped). The schema stays JSON.
public struct CustomResourceDefinition: KubeObject {
    public static let resourceType = ResourceType.customResourceDefinition
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var group: String? { json[path: "spec", "group"].string }
    /// `Namespaced` or `Cluster`.
    public var scope: String? { json[path: "spec", "scope"].string }
    public var kindName: String? { json[path: "spec", "names", "kind"].string }
    public var plural: String? { json[path: "spec", "names", "plural"].string }
    /// Names of the served versions, in order.
    public var versions: [String] {
        (json[path: "spec", "versions"].array ?? []).compactMap { $0["name"].string }
    }
    public var conditions: [StatusCondition] { ConditionsView(json: json["status"]).conditions }
    /// True once the API server serves the new kind (`kubectl wait --for=condition=Established`).
    public var isEstablished: Bool { conditions[type: "Established"]?.isTrue ?? false }
}

/// A `conditions` array inside some status object.
struct ConditionsView: JSONView {
    var json: JSON
    init(json: JSON) { self.json = json }
    var conditions: [StatusCondition] { views("conditions") }
}
