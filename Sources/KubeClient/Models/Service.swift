import DozeJSON

/// core/v1 Service.
public struct Service: KubeObject {
    public static let resourceType = ResourceType.service
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var spec: ServiceSpec { get { view("spec") } set { set("spec", newValue) } }
}

public struct ServiceSpec: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    /// `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`.
    public var type: String? { get { string("type") } set { set("type", newValue) } }
    public var clusterIP: String? { get { string("clusterIP") } set { set("clusterIP", newValue) } }
    public var selector: [String: String] { get { stringMap("selector") } set { set("selector", newValue) } }
    public var ports: [ServicePort] { get { views("ports") } set { set("ports", newValue) } }
}

public struct ServicePort: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(name: String? = nil, port: Int, targetPort: JSON? = nil, protocol proto: String? = nil) {
        json = ["port": JSON(port)]
        set("name", name)
        if let targetPort { json["targetPort"] = targetPort }
        set("protocol", proto)
    }

    public var name: String? { get { string("name") } set { set("name", newValue) } }
    public var port: Int? { get { int("port") } set { set("port", newValue) } }
    /// Int or string (a named container port): kept as JSON.
    public var targetPort: JSON { get { json["targetPort"] } set { json["targetPort"] = newValue } }
    public var `protocol`: String? { get { string("protocol") } set { set("protocol", newValue) } }
    public var appProtocol: String? { get { string("appProtocol") } set { set("appProtocol", newValue) } }
}
