import DozeJSON
import Foundation

/// kube-apiserver's printer columns for the built-in kinds we serve.
enum BuiltinPrinters {
    typealias Column = TableConverter.Column

    static let age = Column(name: "Age", type: "string", description: "CreationTimestamp is a timestamp representing the server time when this object was created.") { o, now in
        TableConverter.ageCell(o["metadata"]["creationTimestamp"], now)
    }
    static let name = TableConverter.nameColumn

    static func columns(group: String, kind: String) -> [Column]? {
        switch (group, kind) {
        case ("", "Pod"): return pod
        case ("apps", "Deployment"): return deployment
        case ("", "Service"): return service
        case ("", "Node"): return node
        case ("", "Namespace"): return [name, text("Status") { $0["status"]["phase"].string }, age]
        case ("", "Secret"): return [name, text("Type") { $0["type"].string }, count("Data") { $0["data"].object?.count ?? 0 }, age]
        case ("", "ConfigMap"):
            return [name, count("Data") { ($0["data"].object?.count ?? 0) + ($0["binaryData"].object?.count ?? 0) }, age]
        case ("", "ServiceAccount"): return [name, count("Secrets") { $0["secrets"].array?.count ?? 0 }, age]
        case ("", "PersistentVolumeClaim"): return pvc
        case ("", "Event"): return event
        case ("discovery.k8s.io", "EndpointSlice"): return endpointSlice
        case ("apps", "ReplicaSet"):
            return [name, count("Desired") { $0["spec"]["replicas"].int ?? 0 }, count("Current") { $0["status"]["replicas"].int ?? 0 },
                    count("Ready") { $0["status"]["readyReplicas"].int ?? 0 }, age]
        case ("coordination.k8s.io", "Lease"): return [name, text("Holder") { $0["spec"]["holderIdentity"].string }, age]
        case ("autoscaling", "HorizontalPodAutoscaler"):
            return [name, text("Reference") { "\($0["spec"]["scaleTargetRef"]["kind"].string ?? "")/\($0["spec"]["scaleTargetRef"]["name"].string ?? "")" },
                    text("Targets") { hpaTargets($0) }, text("MinPods") { String($0["spec"]["minReplicas"].int ?? 1) },
                    count("MaxPods") { $0["spec"]["maxReplicas"].int ?? 0 }, count("Replicas") { $0["status"]["currentReplicas"].int ?? 0 }, age]
        default: return nil
        }
    }

    /// No metrics pipeline runs here, so every current value is `<unknown>`.
    static func hpaTargets(_ o: JSON) -> String {
        let parts = (o["spec"]["metrics"].array ?? []).map { m -> String in
            let target = m[m["type"].string.map { $0.prefix(1).lowercased() + $0.dropFirst() } ?? ""]["target"]
            if let u = target["averageUtilization"].int { return "<unknown>/\(u)%" }
            return "<unknown>/" + (target["averageValue"].string ?? target["value"].string ?? "?")
        }
        return parts.isEmpty ? "<none>" : parts.joined(separator: ", ")
    }

    static func text(_ title: String, priority: Int = 0, _ f: @escaping @Sendable (JSON) -> String?) -> Column {
        Column(name: title, type: "string", priority: priority) { o, _ in .string(f(o) ?? "") }
    }

    static func count(_ title: String, _ f: @escaping @Sendable (JSON) -> Int) -> Column {
        Column(name: title, type: "integer") { o, _ in .int(Int64(f(o))) }
    }

    static let pod: [Column] = [
        name,
        text("Ready") { o in
            let total = o["spec"]["containers"].array?.count ?? 0
            let ready = (o["status"]["containerStatuses"].array ?? []).filter { $0["ready"].bool == true }.count
            return "\(ready)/\(total)"
        },
        text("Status") { podStatus($0) },
        Column(name: "Restarts", type: "string") { o, _ in
            .string(String((o["status"]["containerStatuses"].array ?? []).reduce(0) { $0 + ($1["restartCount"].int ?? 0) }))
        },
        age,
        text("IP", priority: 1) { o in o["status"]["podIP"].string ?? "<none>" },
        text("Node", priority: 1) { o in o["spec"]["nodeName"].string ?? "<none>" },
        text("Nominated Node", priority: 1) { o in o["status"]["nominatedNodeName"].string ?? "<none>" },
        text("Readiness Gates", priority: 1) { _ in "<none>" },
    ]

    /// The STATUS column as kubectl shows it: a waiting or terminated reason wins over the phase.
    static func podStatus(_ o: JSON) -> String {
        if !o["metadata"]["deletionTimestamp"].isNull { return "Terminating" }
        var reason = o["status"]["reason"].string ?? o["status"]["phase"].string ?? "Pending"
        for cs in o["status"]["containerStatuses"].array ?? [] {
            if let w = cs["state"]["waiting"]["reason"].string, !w.isEmpty { reason = w }
            else if let t = cs["state"]["terminated"]["reason"].string, !t.isEmpty { reason = t }
        }
        return reason
    }

    static let deployment: [Column] = [
        name,
        text("Ready") { o in "\(o["status"]["readyReplicas"].int ?? 0)/\(o["spec"]["replicas"].int ?? 0)" },
        Column(name: "Up-to-date", type: "integer") { o, _ in .int(Int64(o["status"]["updatedReplicas"].int ?? 0)) },
        Column(name: "Available", type: "integer") { o, _ in .int(Int64(o["status"]["availableReplicas"].int ?? 0)) },
        age,
        text("Containers", priority: 1) { o in containers(o).compactMap { $0["name"].string }.joined(separator: ",") },
        text("Images", priority: 1) { o in containers(o).compactMap { $0["image"].string }.joined(separator: ",") },
        text("Selector", priority: 1) { o in selectorText(o["spec"]["selector"]) },
    ]

    static func containers(_ o: JSON) -> [JSON] { o["spec"]["template"]["spec"]["containers"].array ?? [] }

    static func selectorText(_ s: JSON) -> String {
        var parts = (s["matchLabels"].object ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.string ?? "")" }
        for e in s["matchExpressions"].array ?? [] {
            let values = (e["values"].array ?? []).compactMap(\.string).joined(separator: ",")
            switch e["operator"].string {
            case "In": parts.append("\(e["key"].string ?? "") in (\(values))")
            case "NotIn": parts.append("\(e["key"].string ?? "") notin (\(values))")
            case "Exists": parts.append(e["key"].string ?? "")
            case "DoesNotExist": parts.append("!" + (e["key"].string ?? ""))
            default: break
            }
        }
        return parts.joined(separator: ",")
    }

    static let service: [Column] = [
        name,
        text("Type") { $0["spec"]["type"].string },
        text("Cluster-IP") { $0["spec"]["clusterIP"].string ?? "<none>" },
        text("External-IP") { o in
            let ips = (o["spec"]["externalIPs"].array ?? []).compactMap(\.string)
            return ips.isEmpty ? "<none>" : ips.joined(separator: ",")
        },
        text("Port(s)") { o in
            let ports = (o["spec"]["ports"].array ?? []).map { p -> String in
                let node = p["nodePort"].int.map { ":\($0)" } ?? ""
                return "\(p["port"].int ?? 0)\(node)/\(p["protocol"].string ?? "TCP")"
            }
            return ports.isEmpty ? "<none>" : ports.joined(separator: ",")
        },
        age,
        text("Selector", priority: 1) { o in
            let s = (o["spec"]["selector"].object ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.string ?? "")" }
            return s.isEmpty ? "<none>" : s.joined(separator: ",")
        },
    ]

    static let node: [Column] = [
        name,
        text("Status") { o in
            let ready = (o["status"]["conditions"].array ?? []).first { $0["type"] == "Ready" }?["status"].string
            return ready == "True" ? "Ready" : "NotReady"
        },
        text("Roles") { _ in "<none>" },
        age,
        text("Version") { $0["status"]["nodeInfo"]["kubeletVersion"].string },
        text("Internal-IP", priority: 1) { o in
            (o["status"]["addresses"].array ?? []).first { $0["type"] == "InternalIP" }?["address"].string ?? "<none>"
        },
        text("External-IP", priority: 1) { _ in "<none>" },
        text("OS-Image", priority: 1) { $0["status"]["nodeInfo"]["osImage"].string },
        text("Kernel-Version", priority: 1) { $0["status"]["nodeInfo"]["kernelVersion"].string },
        text("Container-Runtime", priority: 1) { $0["status"]["nodeInfo"]["containerRuntimeVersion"].string },
    ]

    static let pvc: [Column] = [
        name,
        text("Status") { $0["status"]["phase"].string },
        text("Volume") { $0["spec"]["volumeName"].string },
        text("Capacity") { $0["status"]["capacity"]["storage"].string },
        text("Access Modes") { o in
            (o["status"]["accessModes"].array ?? []).compactMap(\.string).map { m in
                ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"][m] ?? m
            }.joined(separator: ",")
        },
        text("StorageClass") { $0["spec"]["storageClassName"].string },
        age,
    ]

    static let event: [Column] = [
        Column(name: "Last Seen", type: "string") { o, now in
            TableConverter.ageCell(o["lastTimestamp"].isNull ? (o["eventTime"].isNull ? o["metadata"]["creationTimestamp"] : o["eventTime"]) : o["lastTimestamp"], now)
        },
        text("Type") { $0["type"].string },
        text("Reason") { $0["reason"].string },
        text("Object") { o in "\((o["involvedObject"]["kind"].string ?? "").lowercased())/\(o["involvedObject"]["name"].string ?? "")" },
        text("Subobject", priority: 1) { $0["involvedObject"]["fieldPath"].string },
        text("Source", priority: 1) { o in o["source"]["component"].string ?? o["reportingComponent"].string },
        text("Message") { $0["message"].string },
        Column(name: "First Seen", type: "string", priority: 1) { o, now in TableConverter.ageCell(o["firstTimestamp"], now) },
        Column(name: "Count", type: "integer", priority: 1) { o, _ in .int(Int64(o["count"].int ?? 1)) },
        Column(name: "Name", type: "string", format: "name", priority: 1) { o, _ in o["metadata"]["name"] },
    ]

    static let endpointSlice: [Column] = [
        name,
        text("AddressType") { $0["addressType"].string },
        text("Ports") { o in
            let ports = (o["ports"].array ?? []).compactMap { $0["port"].int.map(String.init) }
            return ports.isEmpty ? "<unset>" : ports.joined(separator: ",")
        },
        text("Endpoints") { o in
            let addrs = (o["endpoints"].array ?? []).flatMap { ($0["addresses"].array ?? []).compactMap(\.string) }
            if addrs.isEmpty { return "<unset>" }
            return addrs.count > 3 ? addrs.prefix(3).joined(separator: ",") + " + \(addrs.count - 3) more..." : addrs.joined(separator: ",")
        },
        age,
    ]

    /// Finished pods are greyed out by kubectl through a `Completed` row condition.
    static func rowConditions(group: String, kind: String, _ o: JSON) -> JSON? {
        guard group.isEmpty, kind == "Pod" else { return nil }
        let phase = o["status"]["phase"].string
        return phase == "Succeeded" || phase == "Failed" ? [["type": "Completed", "status": "True"]] : nil
    }
}
