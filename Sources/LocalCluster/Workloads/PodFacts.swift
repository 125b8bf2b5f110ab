import Foundation
import DozeJSON

/// What controllers read off a pod: readiness, availability, liveness of the object itself.
struct PodFacts {
    let pod: JSON

    init(_ pod: JSON) { self.pod = pod }

    var name: String { pod[path: "metadata", "name"].string ?? "" }
    var namespace: String { pod[path: "metadata", "namespace"].string ?? "default" }
    var uid: String { pod[path: "metadata", "uid"].string ?? "" }
    var labels: [String: String] { (pod[path: "metadata", "labels"].object ?? [:]).compactMapValues(\.string) }
    var phase: String { pod[path: "status", "phase"].string ?? "Pending" }
    var podIP: String? { pod[path: "status", "podIP"].string.flatMap { $0.isEmpty ? nil : $0 } }
    var isTerminating: Bool { !pod[path: "metadata", "deletionTimestamp"].isNull }
    var isTerminal: Bool { phase == "Succeeded" || phase == "Failed" }
    /// Counted by controllers: neither finished nor being deleted (the ReplicaSet controller's "active").
    var isActive: Bool { !isTerminating && !isTerminal }
    var creationTimestamp: Date { pod[path: "metadata", "creationTimestamp"].string.flatMap(WorkloadTime.parse) ?? .distantPast }
    var restartCount: Int {
        (pod[path: "status", "containerStatuses"].array ?? []).reduce(0) { $0 + ($1["restartCount"].int ?? 0) }
    }

    private var readyCondition: JSON? {
        pod[path: "status", "conditions"].array?.first { $0["type"].string == "Ready" }
    }

    var isReady: Bool { readyCondition?["status"].string == "True" }

    /// When the pod last became Ready, if it is.
    var readySince: Date? {
        guard isReady else { return nil }
        return readyCondition?["lastTransitionTime"].string.flatMap(WorkloadTime.parse) ?? .distantPast
    }

    /// Ready for at least minReadySeconds (the Deployment's notion of available).
    func isAvailable(minReadySeconds: Int, now: Date) -> Bool {
        guard let since = readySince else { return false }
        return minReadySeconds == 0 || since.addingTimeInterval(Double(minReadySeconds)) <= now
    }

    func isControlled(by uid: String) -> Bool {
        (pod[path: "metadata", "ownerReferences"].array ?? []).contains {
            $0["uid"].string == uid && $0["controller"].bool == true
        }
    }

    /// The ReplicaSet controller's deletion order: pods earlier in this order go first when
    /// scaling down (not yet running, then not ready, then ready for less time, then more
    /// restarts, then newer).
    static func deletionOrder(_ a: PodFacts, _ b: PodFacts) -> Bool {
        let aRunning = a.phase == "Running", bRunning = b.phase == "Running"
        if aRunning != bRunning { return !aRunning }
        if a.isReady != b.isReady { return !a.isReady }
        if let sa = a.readySince, let sb = b.readySince, sa != sb { return sa > sb }
        if a.restartCount != b.restartCount { return a.restartCount > b.restartCount }
        if a.creationTimestamp != b.creationTimestamp { return a.creationTimestamp > b.creationTimestamp }
        return a.name > b.name
    }
}

/// Equality-based label selection (`spec.selector` of a Service, `matchLabels` of a Deployment),
/// plus `matchExpressions` for Deployments.
enum LabelMatch {
    static func matches(_ labels: [String: String], equals selector: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    /// A `metav1.LabelSelector` (matchLabels and matchExpressions).
    static func matches(_ labels: [String: String], selector: JSON) -> Bool {
        let equal = (selector["matchLabels"].object ?? [:]).compactMapValues(\.string)
        guard matches(labels, equals: equal) else { return false }
        for expr in selector["matchExpressions"].array ?? [] {
            let key = expr["key"].string ?? ""
            let values = Set(expr["values"].array?.compactMap(\.string) ?? [])
            switch expr["operator"].string {
            case "In": if !(labels[key].map(values.contains) ?? false) { return false }
            case "NotIn": if labels[key].map(values.contains) ?? false { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }
}
