import Foundation
import Synchronization
import DozeJSON

/// Something that happened to an object, as kubelet and the controllers report it in Events
/// (`kubectl describe pod` shows them: "Readiness probe failed: ...", "Back-off restarting ...").
public struct WorkloadEvent: Sendable, Equatable {
    public var kind: String
    public var apiVersion: String
    public var namespace: String
    public var name: String
    public var uid: String
    /// `spec.containers{web}` for a container's events.
    public var fieldPath: String?
    public var warning: Bool
    public var reason: String
    public var message: String
    /// `kubelet`, `default-scheduler`, `deployment-controller`.
    public var component: String

    static func pod(_ pod: JSON, container: String? = nil, warning: Bool = false, _ reason: String, _ message: String,
                    component: String = "kubelet") -> WorkloadEvent {
        WorkloadEvent(kind: "Pod", apiVersion: "v1", namespace: pod[path: "metadata", "namespace"].string ?? "default",
                      name: pod[path: "metadata", "name"].string ?? "", uid: pod[path: "metadata", "uid"].string ?? "",
                      fieldPath: container.map { "spec.containers{\($0)}" }, warning: warning, reason: reason,
                      message: message, component: component)
    }
}

/// Writes WorkloadEvents as core/v1 Events. A repeat of the same event (same object, reason and
/// message) bumps `count` and `lastTimestamp` of the first, as client-go's event correlator does.
final class EventRecorder: Sendable {
    let store: ObjectStore
    let host: String
    private let seen = Mutex<[String: String]>([:])   // correlation key → Event name

    init(store: ObjectStore, host: String) {
        self.store = store
        self.host = host
    }

    func record(_ e: WorkloadEvent, now: Date = Date()) {
        let key = [e.namespace, e.kind, e.name, e.uid, e.fieldPath ?? "", e.reason, e.message].joined(separator: "\u{1}")
        let stamp = JSON.string(WorkloadTime.seconds(now))
        if let existing = seen.withLock({ $0[key] }),
           (try? store.modify(.events, namespace: e.namespace, name: existing, { (ev: inout JSON) throws(APIError) in
               ev["count"] = .int(Int64((ev["count"].int ?? 1) + 1))
               ev["lastTimestamp"] = stamp
           })) != nil {
            return
        }
        let name = "\(e.name).\(String(UInt64(now.timeIntervalSince1970 * 1e9), radix: 16))\(NameSuffix.random(length: 3))"
        var involved: JSON = ["kind": .string(e.kind), "apiVersion": .string(e.apiVersion), "namespace": .string(e.namespace),
                              "name": .string(e.name), "uid": .string(e.uid)]
        if let fieldPath = e.fieldPath { involved["fieldPath"] = .string(fieldPath) }
        var source: JSON = ["component": .string(e.component)]
        if e.component == "kubelet" { source["host"] = .string(host) }
        let event: JSON = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(e.namespace)],
            "involvedObject": involved, "reason": .string(e.reason), "message": .string(e.message),
            "type": .string(e.warning ? "Warning" : "Normal"), "source": source, "count": 1,
            "firstTimestamp": stamp, "lastTimestamp": stamp,
            "reportingComponent": .string(e.component), "reportingInstance": .string(e.component == "kubelet" ? host : ""),
        ]
        if (try? store.create(.events, event)) != nil {
            seen.withLock { s in
                if s.count > 10_000 { s.removeAll() }
                s[key] = name
            }
        }
    }
}
