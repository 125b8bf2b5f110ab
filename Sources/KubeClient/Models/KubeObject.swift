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

/// `metav1.ObjectMeta`. `managedFields` and anything unnamed stay untouched in the tree.
public struct ObjectMeta: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var name: String? { get { string("name") } set { set("name", newValue) } }
    public var generateName: String? { get { string("generateName") } set { set("generateName", newValue) } }
    public var namespace: String? { get { string("namespace") } set { set("namespace", newValue) } }
    public var uid: String? { get { string("uid") } set { set("uid", newValue) } }
    public var resourceVersion: String? {
        get { string("resourceVersion") }
        set { set("resourceVersion", newValue) }
    }
    public var generation: Int? { get { int("generation") } set { set("generation", newValue) } }
    public var creationTimestamp: String? { string("creationTimestamp") }
    /// Set once deletion has begun; the object stays until its finalizers are gone.
    public var deletionTimestamp: String? { string("deletionTimestamp") }
    public var isDeleting: Bool { deletionTimestamp != nil }
    public var labels: [String: String] { get { stringMap("labels") } set { set("labels", newValue) } }
    public var annotations: [String: String] {
        get { stringMap("annotations") }
        set { set("annotations", newValue) }
    }
    public var finalizers: [String] { get { stringArray("finalizers") } set { set("finalizers", newValue) } }
    public var ownerReferences: [OwnerReference] {
        get { views("ownerReferences") }
        set { if newValue.isEmpty { json["ownerReferences"] = .null } else { set("ownerReferences", newValue) } }
    }

    /// The owner reference with `controller: true`, if any.
    public var controllerReference: OwnerReference? { ownerReferences.first { $0.controller == true } }
}

/// `metav1.OwnerReference`: makes an object a dependent for garbage collection.
public struct OwnerReference: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
                blockOwnerDeletion: Bool? = nil) {
        json = ["apiVersion": JSON(apiVersion), "kind": JSON(kind), "name": JSON(name), "uid": JSON(uid)]
        set("controller", controller)
        set("blockOwnerDeletion", blockOwnerDeletion)
    }

    /// A controller reference to `owner` (as a controller sets on what it creates).
    public init<T: KubeObject>(controlledBy owner: T) {
        self.init(apiVersion: T.resourceType.apiVersion, kind: T.resourceType.kind, name: owner.name ?? "",
                  uid: owner.uid ?? "", controller: true, blockOwnerDeletion: true)
    }

    public var apiVersion: String? { string("apiVersion") }
    public var kind: String? { string("kind") }
    public var name: String? { string("name") }
    public var uid: String? { string("uid") }
    public var controller: Bool? { bool("controller") }
    public var blockOwnerDeletion: Bool? { bool("blockOwnerDeletion") }
}

/// A status condition (`type`, `status`, `reason`, `message`, times). Shared by Deployments,
/// Pods, CRDs and Apps.
public struct Condition: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(type: String, status: String, reason: String? = nil, message: String? = nil,
                lastTransitionTime: String? = nil, observedGeneration: Int? = nil) {
        json = ["type": JSON(type), "status": JSON(status)]
        set("reason", reason)
        set("message", message)
        set("lastTransitionTime", lastTransitionTime)
        set("observedGeneration", observedGeneration)
    }

    public var type: String? { get { string("type") } set { set("type", newValue) } }
    /// `"True"`, `"False"` or `"Unknown"`.
    public var status: String? { get { string("status") } set { set("status", newValue) } }
    public var isTrue: Bool { status == "True" }
    public var reason: String? { get { string("reason") } set { set("reason", newValue) } }
    public var message: String? { get { string("message") } set { set("message", newValue) } }
    public var lastTransitionTime: String? {
        get { string("lastTransitionTime") }
        set { set("lastTransitionTime", newValue) }
    }
    public var observedGeneration: Int? {
        get { int("observedGeneration") }
        set { set("observedGeneration", newValue) }
    }
}

extension Array where Element == Condition {
    /// The condition of a type, if present.
    public subscript(type type: String) -> Condition? { first { $0.type == type } }
}
