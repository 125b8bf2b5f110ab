import DozeJSON

/// A status condition (`type`, `status`, `reason`, `message`, times). Shared by Deployments,
/// Pods, CRDs and Apps.
public struct StatusCondition: JSONView {
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

extension Array where Element == StatusCondition {
    /// The condition of a type, if present.
    public subscript(type type: String) -> StatusCondition? { first { $0.type == type } }
}
