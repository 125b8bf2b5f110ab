import DozeJSON

/// A Kubernetes object of a known kind: a JSON tree plus typed accessors. Decoding then encoding
/// never loses a field the model does not name, so a PUT of a fetched object keeps what other
/// controllers wrote.
public protocol KubeObject: JSONView {
    static var resourceType: ResourceType { get }
}

extension KubeObject {
    /// A new object of this kind with `apiVersion`, `kind`, name and namespace set.
    public init(name: String, namespace: String? = nil) {
        var json: JSON = ["apiVersion": JSON(Self.resourceType.apiVersion), "kind": JSON(Self.resourceType.kind)]
        json[path: "metadata", "name"] = JSON(name)
        if let namespace, Self.resourceType.namespaced { json[path: "metadata", "namespace"] = JSON(namespace) }
        self.init(json: json)
    }

    public var apiVersion: String? { json["apiVersion"].string }
    public var kind: String? { json["kind"].string }

    public var metadata: ObjectMeta {
        get { ObjectMeta(json: json["metadata"]) }
        set { json["metadata"] = newValue.json }
    }

    /// Shortcuts for the fields nearly every caller reads.
    public var name: String? { metadata.name }
    public var namespace: String? { metadata.namespace }
    public var resourceVersion: String? { metadata.resourceVersion }
    public var uid: String? { metadata.uid }

    /// Sets apiVersion and kind when missing: items in a list and bodies built by hand lack them,
    /// and PUT/apply need them.
    public mutating func fillTypeMeta() {
        if json["apiVersion"].isNull { json["apiVersion"] = JSON(Self.resourceType.apiVersion) }
        if json["kind"].isNull { json["kind"] = JSON(Self.resourceType.kind) }
    }
}
