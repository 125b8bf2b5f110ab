import Foundation
import Synchronization
import DozeJSON
@testable import LocalCluster

/// Deterministic name suffixes for controller tests: aaaa1, aaaa2, ...
func counterSuffix() -> @Sendable () -> String {
    let n = Mutex(0)
    return { n.withLock { $0 += 1; return "sfx\($0)" } }
}

let epoch = Date(timeIntervalSince1970: 1_700_000_000)

func deployment(_ name: String = "web", replicas: Int = 3, image: String = "v1", generation: Int = 1,
                strategy: JSON = .null, extraSpec: JSON = .emptyObject) -> JSON {
    var spec: JSON = [
        "replicas": .int(Int64(replicas)),
        "selector": ["matchLabels": ["app": .string(name)]],
        "template": [
            "metadata": ["labels": ["app": .string(name)]],
            "spec": ["containers": [["name": "app", "image": .string(image), "command": ["serve"]]]],
        ],
    ]
    if !strategy.isNull { spec["strategy"] = strategy }
    for (k, v) in extraSpec.object ?? [:] { spec[k] = v }
    return ["apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": "default", "uid": "dep-uid", "generation": .int(Int64(generation))],
            "spec": spec]
}

/// A pod as the store and runtime would have it: created at `created`, Ready since `readySince` if given.
func runningPod(_ pod: JSON, ip: String, created: Date = epoch, readySince: Date? = nil, restarts: Int = 0) -> JSON {
    var p = pod
    p[path: "metadata", "uid"] = .string("uid-" + (p[path: "metadata", "name"].string ?? ""))
    p[path: "metadata", "creationTimestamp"] = .string(WorkloadTime.seconds(created))
    p[path: "spec", "nodeName"] = "doze-local"
    p["status"] = [
        "phase": "Running", "podIP": .string(ip),
        "conditions": [["type": "Ready", "status": readySince == nil ? "False" : "True",
                        "lastTransitionTime": .string(WorkloadTime.seconds(readySince ?? created))]],
        "containerStatuses": [["name": "app", "restartCount": .int(Int64(restarts))]],
    ]
    return p
}

extension WorkloadDecision {
    /// Created objects other than ReplicaSet mirrors (pods, slices).
    var created: [JSON] { actions.compactMap { if case .create(let o) = $0, o["kind"] != "ReplicaSet" { return o } else { return nil } } }
    var deletedNames: [String] {
        actions.compactMap { if case .delete(let kind, _, let n, _) = $0, kind != "ReplicaSet" { return n } else { return nil } }
    }
    /// Actions on anything but ReplicaSet mirrors.
    var withoutMirrors: [WorkloadAction] {
        actions.filter {
            switch $0 {
            case .create(let o), .update(let o), .updateStatus(let o): return o["kind"] != "ReplicaSet"
            case .delete(let kind, _, _, _): return kind != "ReplicaSet"
            }
        }
    }
    var updated: [JSON] { actions.compactMap { if case .update(let o) = $0 { return o } else { return nil } } }
    var status: JSON? {
        actions.lazy.compactMap { if case .updateStatus(let o) = $0, o["kind"] == "Deployment" { return o["status"] } else { return nil } }.first
    }
}

extension JSON {
    func condition(_ type: String) -> JSON? { self["conditions"].array?.first { $0["type"].string == type } }
}
