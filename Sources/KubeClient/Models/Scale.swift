import DozeJSON

/// autoscaling/v1 Scale: what the `scale` subresource reads and writes.
public struct Scale: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(name: String, namespace: String?, replicas: Int, resourceVersion: String? = nil) {
        json = ["apiVersion": "autoscaling/v1", "kind": "Scale", "spec": ["replicas": JSON(replicas)]]
        json[path: "metadata", "name"] = JSON(name)
        if let namespace { json[path: "metadata", "namespace"] = JSON(namespace) }
        if let resourceVersion { json[path: "metadata", "resourceVersion"] = JSON(resourceVersion) }
    }

    public var metadata: ObjectMeta { get { view("metadata") } set { set("metadata", newValue) } }
    public var specReplicas: Int? {
        get { json[path: "spec", "replicas"].int }
        set { json[path: "spec", "replicas"] = newValue.map { JSON.int(Int64($0)) } ?? .null }
    }
    public var statusReplicas: Int? { json[path: "status", "replicas"].int }
    /// The label selector in string form (`app=web`).
    public var selector: String? { json[path: "status", "selector"].string }
}
