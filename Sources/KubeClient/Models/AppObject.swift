import DozeJSON

/// doze.dev/v1alpha1 App as stored. Named AppObject because the Controller's `App` is the
/// validated spec (and `KubeClient.App` cannot be written: the module and the client class
/// share a name). The spec stays JSON; the status accessors are what the controller and the
/// proxy read and write.
public struct AppObject: KubeObject {
    public static let resourceType = ResourceType.app
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var spec: JSON { get { json["spec"] } set { json["spec"] = newValue } }
    public var status: AppObjectStatus { get { view("status") } set { set("status", newValue) } }
}

public struct AppObjectStatus: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var observedGeneration: Int? { get { int("observedGeneration") } set { set("observedGeneration", newValue) } }
    /// `Running`, `Idle`, `Waking`, `Failed`.
    public var state: String? { get { string("state") } set { set("state", newValue) } }
    public var url: String? { get { string("url") } set { set("url", newValue) } }
    public var replicas: Int? { get { int("replicas") } set { set("replicas", newValue) } }
    public var readyReplicas: Int? { get { int("readyReplicas") } set { set("readyReplicas", newValue) } }
    /// RFC 3339 text.
    public var lastActivityTime: String? { get { string("lastActivityTime") } set { set("lastActivityTime", newValue) } }
    public var conditions: [StatusCondition] { get { views("conditions") } set { set("conditions", newValue) } }
}
