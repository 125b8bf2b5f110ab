import DozeJSON

/// What kube-apiserver's apiextensions controllers do for a CustomResourceDefinition: check it,
/// accept its names (NamesAccepted, Established), and serve its kind at once.
enum CRDRegistrar {
    static func admit(_ crd: JSON, old: JSON?) throws(APIError) -> JSON {
        var obj = crd
        let spec = crd["spec"]
        let group = spec["group"].string ?? "", plural = spec["names"]["plural"].string ?? ""
        let name = crd["metadata"]["name"].string ?? ""
        var causes: [APIError.Cause] = []
        func require(_ ok: Bool, _ field: String, _ message: String, reason: String = "FieldValueRequired") {
            if !ok { causes.append(.init(reason: reason, message: message, field: field)) }
        }
        require(!group.isEmpty, "spec.group", "Required value")
        require(!plural.isEmpty, "spec.names.plural", "Required value")
        require(!(spec["names"]["kind"].string ?? "").isEmpty, "spec.names.kind", "Required value")
        require(["Namespaced", "Cluster"].contains(spec["scope"].string ?? ""), "spec.scope",
                "Unsupported value: \"\(spec["scope"].string ?? "")\": supported values: \"Cluster\", \"Namespaced\"",
                reason: "FieldValueNotSupported")
        if !group.isEmpty, !plural.isEmpty {
            require(name == "\(plural).\(group)", "metadata.name",
                    "Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group", reason: "FieldValueInvalid")
        }
        let versions = spec["versions"].array ?? []
        require(!versions.isEmpty, "spec.versions", "Invalid value: null: must have exactly one version marked as storage version",
                reason: "FieldValueInvalid")
        if !versions.isEmpty {
            require(versions.filter { $0["storage"].bool == true }.count == 1, "spec.versions",
                    "Invalid value: \(spec["versions"].serialized()): must have exactly one version marked as storage version",
                    reason: "FieldValueInvalid")
        }
        for (i, v) in versions.enumerated() {
            let schema = v["schema"]["openAPIV3Schema"]
            require(!schema.isNull, "spec.versions[\(i)].schema.openAPIV3Schema", "Required value: schemas are required")
            if !schema.isNull {
                causes += CustomResourceSchema.structuralProblems(schema, prefix: "spec.versions[\(i)].schema.openAPIV3Schema")
            }
        }
        if let old, old["spec"]["group"] != spec["group"] {
            require(false, "spec.group", "Invalid value: \"\(group)\": field is immutable", reason: "FieldValueInvalid")
        }
        if !causes.isEmpty {
            throw .invalid(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, causes: causes)
        }
        if old == nil {
            var fins = (obj["metadata"]["finalizers"].array ?? []).compactMap(\.string)
            if !fins.contains(CRDCleanup.finalizer) { fins.append(CRDCleanup.finalizer) }
            obj["metadata"]["finalizers"] = JSON(fins)
        }
        if obj["spec"]["conversion"].isNull { obj["spec"]["conversion"] = ["strategy": "None"] }
        return obj
    }

    /// Sets the accepted names and conditions and registers the kind with the store.
    static func establish(_ crd: JSON, in store: ObjectStore) throws(APIError) -> JSON {
        let type = resourceType(from: crd)
        store.register(type)
        var status = crd["status"]
        let names = crd["spec"]["names"]
        var accepted = names
        if accepted["singular"].isNull { accepted["singular"] = .string(type.singular) }
        if accepted["listKind"].isNull { accepted["listKind"] = .string(type.listKind) }
        status["acceptedNames"] = accepted
        let storage = (crd["spec"]["versions"].array ?? []).first { $0["storage"].bool == true }?["name"].string ?? type.preferredVersion
        var stored = (status["storedVersions"].array ?? []).compactMap(\.string)
        if !stored.contains(storage) { stored.append(storage) }
        status["storedVersions"] = JSON(stored)
        let now = Timestamp.rfc3339(store.now())
        func condition(_ type: String, _ reason: String, _ message: String) -> JSON {
            let existing = (crd["status"]["conditions"].array ?? []).first { $0["type"].string == type }
            let since = existing?["status"].string == "True" ? existing?["lastTransitionTime"] ?? .string(now) : .string(now)
            return ["type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
                    "lastTransitionTime": since]
        }
        status["conditions"] = [
            condition("NamesAccepted", "NoConflicts", "no conflicts found"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ]
        if status == crd["status"] { return crd }
        var updated = crd
        updated["status"] = status
        return try store.updateStatus(.customResourceDefinitions, updated)
    }

    static func resourceType(from crd: JSON) -> ResourceType {
        let spec = crd["spec"], names = spec["names"]
        let kind = names["kind"].string ?? ""
        let served = (spec["versions"].array ?? []).filter { $0["served"].bool != false }
        let versionNames = served.compactMap { $0["name"].string }
            .sorted { Discovery.versionPriority($0) > Discovery.versionPriority($1) }
        var t = ResourceType(group: spec["group"].string ?? "", version: versionNames.first ?? "v1",
                             resource: names["plural"].string ?? "", singular: names["singular"].string ?? kind.lowercased(),
                             kind: kind, namespaced: spec["scope"].string != "Cluster")
        t.versions = versionNames.isEmpty ? ["v1"] : versionNames
        t.listKind = names["listKind"].string ?? kind + "List"
        t.shortNames = (names["shortNames"].array ?? []).compactMap(\.string)
        t.categories = (names["categories"].array ?? []).compactMap(\.string)
        let preferred = served.first { $0["name"].string == t.preferredVersion } ?? .null
        let subresources = preferred["subresources"]
        t.hasStatusSubresource = !subresources["status"].isNull
        if case .object = subresources["scale"] {
            t.scale = ScalePaths(specReplicasPath: subresources["scale"]["specReplicasPath"].string ?? ".spec.replicas",
                                 statusReplicasPath: subresources["scale"]["statusReplicasPath"].string ?? ".status.replicas",
                                 labelSelectorPath: subresources["scale"]["labelSelectorPath"].string)
        }
        t.tracksGeneration = true
        t.requiresResourceVersionOnUpdate = true
        t.selectableFields = (preferred["selectableFields"].array ?? []).compactMap { $0["jsonPath"].string.map { String($0.dropFirst()) } }
        t.definition = crd
        return t
    }
}
