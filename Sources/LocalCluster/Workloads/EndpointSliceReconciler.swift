import DozeJSON

/// The endpointslice controller as a pure function: from a Service, the pods of its namespace and
/// the slices already managed for it, the slices to create, update and delete.
///
/// Pods whose named target ports resolve to the same numbers share a slice (as in the real
/// controller); a Service with no ready or unready pods keeps one empty slice. Unlike the real
/// controller, a slice is not split at 100 endpoints.
public struct EndpointSliceReconciler: Sendable {
    public static let serviceNameLabel = "kubernetes.io/service-name"
    public static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
    public static let controllerName = "endpointslice-controller.k8s.io"

    public var suffix: @Sendable () -> String

    public init(suffix: @escaping @Sendable () -> String = { NameSuffix.random() }) {
        self.suffix = suffix
    }

    /// Whether `slice` is one this controller manages for the Service named `service`.
    public static func manages(_ slice: JSON, service: String) -> Bool {
        let labels = slice[path: "metadata", "labels"]
        return labels[serviceNameLabel].string == service && labels[managedByLabel].string == controllerName
    }

    public func reconcile(service: JSON, pods: [JSON], slices: [JSON]) -> WorkloadDecision {
        let name = service[path: "metadata", "name"].string ?? ""
        let selector = (service[path: "spec", "selector"].object ?? [:]).compactMapValues(\.string)
        // Services without a selector (and ExternalName ones) have endpoints managed by someone else.
        guard !selector.isEmpty, service[path: "spec", "type"].string != "ExternalName",
              service[path: "metadata", "deletionTimestamp"].isNull else { return WorkloadDecision() }
        let mine = slices.filter { Self.manages($0, service: name) }
            .sorted { ($0[path: "metadata", "name"].string ?? "") < ($1[path: "metadata", "name"].string ?? "") }
        var desired = groups(service: service, selector: selector, pods: pods)
        if desired.isEmpty { desired = [(ports: [], endpoints: [])] }

        var decision = WorkloadDecision()
        var unused = mine
        var unplaced: [(ports: [JSON], endpoints: [JSON])] = []
        for group in desired {
            if let i = unused.firstIndex(where: { ($0["ports"].array ?? []) == group.ports }) {
                let slice = unused.remove(at: i)
                if let changed = apply(group, to: slice, service: service) { decision.actions.append(.update(changed)) }
            } else {
                unplaced.append(group)
            }
        }
        for group in unplaced {
            if !unused.isEmpty {
                let slice = unused.removeFirst()
                if let changed = apply(group, to: slice, service: service) { decision.actions.append(.update(changed)) }
            } else {
                decision.actions.append(.create(newSlice(group, service: service)))
            }
        }
        for slice in unused {
            decision.actions.append(.delete(kind: "EndpointSlice", namespace: slice[path: "metadata", "namespace"].string ?? "default",
                                            name: slice[path: "metadata", "name"].string ?? "",
                                            uid: slice[path: "metadata", "uid"].string))
        }
        return decision
    }

    /// Endpoints grouped by their resolved port list, in a stable order.
    func groups(service: JSON, selector: [String: String], pods: [JSON]) -> [(ports: [JSON], endpoints: [JSON])] {
        let namespace = service[path: "metadata", "namespace"].string ?? "default"
        let publishNotReady = service[path: "spec", "publishNotReadyAddresses"].bool == true
        var byPorts: [String: (ports: [JSON], endpoints: [JSON])] = [:]
        let candidates = pods.map(PodFacts.init).filter {
            $0.namespace == namespace && !$0.isTerminal && $0.podIP != nil && LabelMatch.matches($0.labels, equals: selector)
        }
        for pod in candidates.sorted(by: { ($0.podIP ?? "", $0.name) < ($1.podIP ?? "", $1.name) }) {
            let ports = resolvedPorts(service: service, pod: pod.pod)
            let key = JSON.array(ports).serialized()
            byPorts[key, default: (ports, [])].endpoints.append(endpoint(pod, publishNotReady: publishNotReady))
        }
        return byPorts.keys.sorted().map { byPorts[$0]! }
    }

    /// The real controller's endpoint: ready only when serving and not terminating (unless the
    /// Service publishes not-ready addresses).
    func endpoint(_ pod: PodFacts, publishNotReady: Bool) -> JSON {
        var e: JSON = [
            "addresses": [.string(pod.podIP ?? "")],
            "conditions": [
                "ready": .bool(publishNotReady || (pod.isReady && !pod.isTerminating)),
                "serving": .bool(pod.isReady),
                "terminating": .bool(pod.isTerminating),
            ],
            "targetRef": ["kind": "Pod", "namespace": .string(pod.namespace), "name": .string(pod.name), "uid": .string(pod.uid)],
        ]
        if let node = pod.pod[path: "spec", "nodeName"].string, !node.isEmpty { e["nodeName"] = .string(node) }
        return e
    }

    /// The Service's ports with targetPort resolved against the pod's container ports. A named
    /// targetPort the pod does not declare is left out for that pod, as the real controller does.
    func resolvedPorts(service: JSON, pod: JSON) -> [JSON] {
        let containerPorts = (pod[path: "spec", "containers"].array ?? []).flatMap { $0["ports"].array ?? [] }
        return (service[path: "spec", "ports"].array ?? []).compactMap { port -> JSON? in
            let proto = port["protocol"].string ?? "TCP"
            let target = port["targetPort"]
            let number: Int?
            if let n = target.int {
                number = n
            } else if let s = target.string {
                number = Int(s) ?? containerPorts.first {
                    $0["name"].string == s && ($0["protocol"].string ?? "TCP") == proto
                }?["containerPort"].int
            } else {
                number = port["port"].int
            }
            guard let number else { return nil }
            var p: JSON = ["name": .string(port["name"].string ?? ""), "port": .int(Int64(number)), "protocol": .string(proto)]
            if let app = port["appProtocol"].string { p["appProtocol"] = .string(app) }
            return p
        }
    }

    private func labels(_ service: JSON) -> JSON {
        var labels = service[path: "metadata", "labels"]
        if labels.object == nil { labels = .emptyObject }
        labels[Self.serviceNameLabel] = service[path: "metadata", "name"]
        labels[Self.managedByLabel] = .string(Self.controllerName)
        if service[path: "spec", "clusterIP"].string == "None" { labels["service.kubernetes.io/headless"] = "" }
        return labels
    }

    private func ownerReference(_ service: JSON) -> JSON {
        [["apiVersion": "v1", "kind": "Service", "name": service[path: "metadata", "name"],
          "uid": service[path: "metadata", "uid"], "controller": true, "blockOwnerDeletion": true]]
    }

    func newSlice(_ group: (ports: [JSON], endpoints: [JSON]), service: JSON) -> JSON {
        let name = service[path: "metadata", "name"].string ?? ""
        return [
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": [
                "name": .string("\(name)-\(suffix())"), "generateName": .string("\(name)-"),
                "namespace": service[path: "metadata", "namespace"],
                "labels": labels(service), "ownerReferences": ownerReference(service),
            ],
            "addressType": "IPv4",
            "endpoints": .array(group.endpoints),
            "ports": .array(group.ports),
        ]
    }

    /// The slice with this group's content, or nil if it already has it.
    private func apply(_ group: (ports: [JSON], endpoints: [JSON]), to slice: JSON, service: JSON) -> JSON? {
        var updated = slice
        updated["endpoints"] = .array(group.endpoints)
        updated["ports"] = .array(group.ports)
        updated["addressType"] = "IPv4"
        updated[path: "metadata", "labels"] = labels(service)
        updated[path: "metadata", "ownerReferences"] = ownerReference(service)
        return updated == slice ? Optional<JSON>.none : updated
    }
}
