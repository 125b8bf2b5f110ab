import DozeJSON

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
