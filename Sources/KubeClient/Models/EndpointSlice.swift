import DozeJSON

/// discovery.k8s.io/v1 EndpointSlice: where a Service's ready pods are. The proxy routes by it.
public struct EndpointSlice: KubeObject {
    public static let resourceType = ResourceType.endpointSlice
    public static let serviceNameLabel = "kubernetes.io/service-name"
    public var json: JSON
    public init(json: JSON) { self.json = json }

    /// The Service this slice belongs to (its `kubernetes.io/service-name` label).
    public var serviceName: String? { metadata.labels[Self.serviceNameLabel] }
    /// `IPv4`, `IPv6` or `FQDN`.
    public var addressType: String? { get { string("addressType") } set { set("addressType", newValue) } }
    public var endpoints: [Endpoint] { get { views("endpoints") } set { set("endpoints", newValue) } }
    public var ports: [EndpointPort] { get { views("ports") } set { set("ports", newValue) } }
}

public struct Endpoint: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(addresses: [String], ready: Bool? = nil, targetRef: ObjectReference? = nil) {
        json = ["addresses": JSON(addresses)]
        if let ready { json[path: "conditions", "ready"] = JSON(ready) }
        if let targetRef { json["targetRef"] = targetRef.json }
    }

    public var addresses: [String] { get { stringArray("addresses") } set { json["addresses"] = JSON(newValue) } }
    public var conditions: EndpointConditions { get { view("conditions") } set { set("conditions", newValue) } }
    public var targetRef: ObjectReference? {
        get { json["targetRef"].isNull ? nil : view("targetRef") }
        set { json["targetRef"] = newValue?.json ?? .null }
    }
    public var nodeName: String? { get { string("nodeName") } set { set("nodeName", newValue) } }
    public var hostname: String? { get { string("hostname") } set { set("hostname", newValue) } }
    public var zone: String? { get { string("zone") } set { set("zone", newValue) } }
}

/// Endpoint conditions; each is optional, and a missing `ready` counts as ready.
public struct EndpointConditions: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var ready: Bool? { get { bool("ready") } set { set("ready", newValue) } }
    public var serving: Bool? { get { bool("serving") } set { set("serving", newValue) } }
    public var terminating: Bool? { get { bool("terminating") } set { set("terminating", newValue) } }
    /// The API's rule: nil means ready.
    public var isReady: Bool { ready ?? true }
}

/// A port of an EndpointSlice: the target (pod) port, named like the Service port.
public struct EndpointPort: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var name: String? { get { string("name") } set { set("name", newValue) } }
    public var port: Int? { get { int("port") } set { set("port", newValue) } }
    public var `protocol`: String? { get { string("protocol") } set { set("protocol", newValue) } }
    public var appProtocol: String? { get { string("appProtocol") } set { set("appProtocol", newValue) } }
}

/// core/v1 ObjectReference (`targetRef`, `involvedObject`, `regarding`).
public struct ObjectReference: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(apiVersion: String? = nil, kind: String, namespace: String? = nil, name: String,
                uid: String? = nil, resourceVersion: String? = nil) {
        json = ["kind": JSON(kind), "name": JSON(name)]
        set("apiVersion", apiVersion)
        set("namespace", namespace)
        set("uid", uid)
        set("resourceVersion", resourceVersion)
    }

    /// A reference to an object (as Events point at what they describe).
    public init<T: KubeObject>(to object: T) {
        self.init(apiVersion: T.resourceType.apiVersion, kind: T.resourceType.kind, namespace: object.namespace,
                  name: object.name ?? "", uid: object.uid, resourceVersion: object.resourceVersion)
    }

    public var apiVersion: String? { string("apiVersion") }
    public var kind: String? { string("kind") }
    public var namespace: String? { string("namespace") }
    public var name: String? { string("name") }
    public var uid: String? { string("uid") }
    public var resourceVersion: String? { string("resourceVersion") }
}
