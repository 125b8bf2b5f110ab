import DozeJSON
import Foundation

/// events.k8s.io/v1 Event: the current Events API (`regarding`, `note`, `reportingController`).
public struct Event: KubeObject {
    public static let resourceType = ResourceType.event
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var regarding: ObjectReference { get { view("regarding") } set { set("regarding", newValue) } }
    public var related: ObjectReference? {
        get { json["related"].isNull ? nil : view("related") }
        set { json["related"] = newValue?.json ?? .null }
    }
    public var reason: String? { get { string("reason") } set { set("reason", newValue) } }
    public var note: String? { get { string("note") } set { set("note", newValue) } }
    /// `Normal` or `Warning`.
    public var type: String? { get { string("type") } set { set("type", newValue) } }
    public var action: String? { get { string("action") } set { set("action", newValue) } }
    public var reportingController: String? {
        get { string("reportingController") }
        set { set("reportingController", newValue) }
    }
    public var reportingInstance: String? {
        get { string("reportingInstance") }
        set { set("reportingInstance", newValue) }
    }
    /// MicroTime; required on create.
    public var eventTime: String? { get { string("eventTime") } set { set("eventTime", newValue) } }
    /// `series.count` for repeated events.
    public var seriesCount: Int? {
        get { json[path: "series", "count"].int }
        set { json[path: "series", "count"] = newValue.map { JSON.int(Int64($0)) } ?? .null }
    }
    public var seriesLastObservedTime: String? {
        get { json[path: "series", "lastObservedTime"].string }
        set { json[path: "series", "lastObservedTime"] = newValue.map(JSON.string) ?? .null }
    }
}

/// core/v1 Event: the older shape (`involvedObject`, `message`, `count`), still what most tools
/// show with `kubectl describe`.
public struct CoreEvent: KubeObject {
    public static let resourceType = ResourceType.coreEvent
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var involvedObject: ObjectReference {
        get { view("involvedObject") }
        set { set("involvedObject", newValue) }
    }
    public var reason: String? { get { string("reason") } set { set("reason", newValue) } }
    public var message: String? { get { string("message") } set { set("message", newValue) } }
    public var type: String? { get { string("type") } set { set("type", newValue) } }
    public var count: Int? { get { int("count") } set { set("count", newValue) } }
    public var firstTimestamp: String? { get { string("firstTimestamp") } set { set("firstTimestamp", newValue) } }
    public var lastTimestamp: String? { get { string("lastTimestamp") } set { set("lastTimestamp", newValue) } }
    public var sourceComponent: String? {
        get { json[path: "source", "component"].string }
        set { json[path: "source", "component"] = newValue.map(JSON.string) ?? .null }
    }
    public var reportingComponent: String? {
        get { string("reportingComponent") }
        set { set("reportingComponent", newValue) }
    }
    public var reportingInstance: String? {
        get { string("reportingInstance") }
        set { set("reportingInstance", newValue) }
    }
}

extension Event {
    /// A new events.k8s.io/v1 Event about `regarding`, with every field the API server requires
    /// on create. Named like client-go's recorder: `<object name>.<event time in hex nanoseconds>`,
    /// in the object's namespace ("default" for cluster-scoped objects).
    public init(regarding: ObjectReference, reason: String, note: String, type: String = "Normal",
                action: String, reportingController: String, reportingInstance: String, eventTime: Date) {
        let nanos = UInt64(max(0, eventTime.timeIntervalSince1970) * 1e9)
        self.init(name: "\(regarding.name ?? "object").\(String(nanos, radix: 16))",
                  namespace: regarding.namespace ?? "default")
        self.regarding = regarding
        self.reason = reason
        self.note = String(note.prefix(1024))  // the API server rejects notes over 1 kB
        self.type = type
        self.action = action
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.eventTime = KubeTime.formatMicro(eventTime)
    }
}
