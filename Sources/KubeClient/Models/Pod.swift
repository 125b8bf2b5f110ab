import DozeJSON

/// core/v1 Pod.
public struct Pod: KubeObject {
    public static let resourceType = ResourceType.pod
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var spec: PodSpec { get { view("spec") } set { set("spec", newValue) } }
    public var status: PodStatus { get { view("status") } set { set("status", newValue) } }
}

/// The parts of a pod spec Doze reads; containers stay JSON (renderers build them whole).
public struct PodSpec: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var nodeName: String? { get { string("nodeName") } set { set("nodeName", newValue) } }
    public var containers: [JSONObjectView] { get { views("containers") } set { set("containers", newValue) } }
    public var volumes: [JSONObjectView] { get { views("volumes") } set { set("volumes", newValue) } }
    public var serviceAccountName: String? {
        get { string("serviceAccountName") }
        set { set("serviceAccountName", newValue) }
    }
}

public struct PodStatus: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    public var phase: String? { get { string("phase") } set { set("phase", newValue) } }
    public var podIP: String? { get { string("podIP") } set { set("podIP", newValue) } }
    public var podIPs: [String] { (json["podIPs"].array ?? []).compactMap { $0["ip"].string } }
    public var conditions: [StatusCondition] { get { views("conditions") } set { set("conditions", newValue) } }
    public var isReady: Bool { conditions[type: "Ready"]?.isTrue ?? false }
}
