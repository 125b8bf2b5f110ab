import DozeJSON

/// An object of any kind, for code that works across kinds (garbage collection helpers, `doze`
/// debugging commands). Its `ResourceType` is given to `Api` at run time.
public struct DynamicObject: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var apiVersion: String? { json["apiVersion"].string }
    public var kind: String? { json["kind"].string }
    public var metadata: ObjectMeta {
        get { ObjectMeta(json: json["metadata"]) }
        set { json["metadata"] = newValue.json }
    }
    public var name: String? { metadata.name }
    public var namespace: String? { metadata.namespace }
    public var resourceVersion: String? { metadata.resourceVersion }
}

/// Reinterprets an object as another view of the same tree (no copy of fields, nothing lost).
extension JSONView {
    public func `as`<V: JSONView>(_ type: V.Type) -> V { V(json: json) }
}
