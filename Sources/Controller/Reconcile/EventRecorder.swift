import DozeJSON
import Foundation
import KubeClient
import Synchronization

/// Writes core/v1 Events about Apps, as `kubectl describe` shows them. The controller may create
/// and patch Events but not read them, so repeats of the same event are counted in memory and
/// patched onto the Event made the first time (as client-go's correlator does).
public final class EventRecorder: Sendable {
    public static let component = "doze-controller"

    private struct Seen { var name: String; var count: Int; var first: String }

    private let client: KubeClient
    private let instance: String
    private let wallNow: @Sendable () -> Date
    private let seen = Mutex<[String: Seen]>([:])

    public init(client: KubeClient, instance: String, wallNow: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.instance = instance
        self.wallNow = wallNow
    }

    /// Records one Event about `app` (the App object as read).
    public func record(about app: JSON, type: String, reason: String, message: String) async throws {
        let meta = app["metadata"]
        let namespace = meta["namespace"].string ?? "default"
        let api = client.dynamicApi(.coreEvent, namespace: namespace)
        let now = KubeTime.format(wallNow())
        let key = "\(meta["uid"].string ?? "")|\(reason)|\(message)"
        if let prior = seen.withLock({ $0[key] }) {
            let patch: JSON = ["count": JSON(prior.count + 1), "lastTimestamp": .string(now)]
            do {
                _ = try await api.patch(prior.name, .merge(patch))
                seen.withLock { $0[key]?.count = prior.count + 1 }
                return
            } catch let e as KubeError where e.isNotFound {
                // Events expire (an hour by default); start a new one.
            }
        }
        let name = "\(meta["name"].string ?? "app").\(String(UInt64(wallNow().timeIntervalSince1970 * 1e9), radix: 16))"
        let event: JSON = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": [
                "apiVersion": .string(Controller.App.apiVersion), "kind": .string(Controller.App.kind),
                "name": meta["name"], "namespace": .string(namespace), "uid": meta["uid"],
                "resourceVersion": meta["resourceVersion"],
            ],
            "reason": .string(reason), "message": .string(message), "type": .string(type),
            "count": 1, "firstTimestamp": .string(now), "lastTimestamp": .string(now),
            "source": ["component": .string(Self.component)],
            "reportingComponent": .string(Self.component), "reportingInstance": .string(instance),
        ]
        _ = try await api.create(DynamicObject(json: event))
        seen.withLock { $0[key] = Seen(name: name, count: 1, first: now) }
    }

    /// Forgets what was recorded about an App that is gone.
    public func forget(uid: String) {
        seen.withLock { s in s = s.filter { !$0.key.hasPrefix(uid + "|") } }
    }
}
