import DozeJSON

/// The legacy discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/G/V`). They are served
/// with a plain `application/json` type, which every kubectl from 1.27 on accepts in place of
/// aggregated discovery (it then fetches each group-version).
struct Discovery {
    let types: [ResourceType]

    /// Groups in the order kubectl should prefer them: built-in groups first, as kube-apiserver lists them.
    static let groupOrder = ["", "apps", "events.k8s.io", "autoscaling", "coordination.k8s.io", "discovery.k8s.io",
                             "apiextensions.k8s.io"]

    var groups: [String] {
        let all = Set(types.map(\.group))
        let known = Self.groupOrder.filter(all.contains)
        return known + all.subtracting(known).sorted()
    }

    func versions(of group: String) -> [String] {
        var out: [String] = []
        for t in types where t.group == group {
            for v in t.versions where !out.contains(v) { out.append(v) }
        }
        return out.sorted { Self.versionPriority($0) > Self.versionPriority($1) }
    }

    /// kube's version priority: GA over beta over alpha, higher numbers first.
    static func versionPriority(_ v: String) -> Int {
        let digits = v.dropFirst().prefix { $0.isNumber }
        let major = Int(digits) ?? 0
        let rest = v.dropFirst(1 + digits.count)
        let minor = Int(rest.drop { !$0.isNumber }) ?? 0
        if rest.hasPrefix("beta") { return 10_000 + major * 100 + minor }
        if rest.hasPrefix("alpha") { return major * 100 + minor }
        return rest.isEmpty ? 1_000_000 + major : major
    }

    var apiVersions: JSON {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]]]
    }

    func apiGroup(_ name: String) -> JSON? {
        let vs = versions(of: name)
        guard !name.isEmpty, let preferred = vs.first else { return nil }
        func gv(_ v: String) -> JSON { ["groupVersion": .string("\(name)/\(v)"), "version": .string(v)] }
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(vs.map(gv)),
                "preferredVersion": gv(preferred)]
    }

    var apiGroupList: JSON {
        var groups = self.groups.compactMap(apiGroup)
        for i in groups.indices { groups[i]["kind"] = nil; groups[i]["apiVersion"] = nil }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    func resourceList(group: String, version: String) -> JSON? {
        let served = types.filter { $0.group == group && $0.versions.contains(version) }
            .sorted { $0.resource < $1.resource }
        guard !served.isEmpty else { return nil }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv),
                "resources": .array(served.flatMap(entries))]
    }

    /// One APIResource for the resource and one per subresource.
    func entries(_ t: ResourceType) -> [JSON] {
        var main: JSON = ["name": .string(t.resource), "singularName": .string(t.singular),
                          "namespaced": .bool(t.namespaced), "kind": .string(t.kind), "verbs": JSON(mainVerbs(t))]
        if !t.shortNames.isEmpty { main["shortNames"] = JSON(t.shortNames) }
        if !t.categories.isEmpty { main["categories"] = JSON(t.categories) }
        var out = [main]
        func sub(_ name: String, kind: String, verbs: [String], group: String? = nil, version: String? = nil) {
            var e: JSON = ["name": .string("\(t.resource)/\(name)"), "singularName": "", "namespaced": .bool(t.namespaced),
                           "kind": .string(kind), "verbs": JSON(verbs)]
            if let group { e["group"] = .string(group) }
            if let version { e["version"] = .string(version) }
            out.append(e)
        }
        if t.hasStatusSubresource { sub("status", kind: t.kind, verbs: ["get", "patch", "update"]) }
        if t.scale != nil { sub("scale", kind: "Scale", verbs: ["get", "patch", "update"], group: "autoscaling", version: "v1") }
        for s in t.otherSubresources {
            switch s {
            case "log": sub("log", kind: "Pod", verbs: ["get"])
            case "finalize": sub("finalize", kind: t.kind, verbs: ["update"])
            default: sub(s, kind: t.kind, verbs: ["get"])
            }
        }
        return out
    }

    func mainVerbs(_ t: ResourceType) -> [String] {
        if t.kind == "Namespace", t.group.isEmpty { return ["create", "delete", "get", "list", "patch", "update", "watch"] }
        return t.verbs
    }

    static let version: JSON = [
        "major": "1", "minor": "33", "gitVersion": "v1.33.0-doze", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.24.0", "compiler": "gc",
        "platform": "linux/amd64",
    ]
}
