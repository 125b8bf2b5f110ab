import DozeJSON
import Foundation

extension StoreState {
    /// POST: assigns name (from generateName), uid, creationTimestamp, generation and the
    /// initial status, then stores the object.
    mutating func create(_ gvr: GroupVersionResource, _ input: JSON, now: Date, dryRun: Bool) throws(APIError) -> JSON {
        let type = try type(gvr)
        var obj = input
        obj["apiVersion"] = .string(gvr.groupVersion)
        obj["kind"] = .string(type.kind)
        var meta = obj["metadata"]
        if case .object = meta {} else { meta = .emptyObject }
        if let rv = meta["resourceVersion"].string, !rv.isEmpty {
            throw .internalError("resourceVersion should not be set on objects to be created")
        }
        let namespace = type.namespaced ? meta["namespace"].string ?? "" : ""
        if type.namespaced && namespace.isEmpty {
            throw .invalid(kind: type.kind, group: type.group, name: meta["name"].string ?? "",
                           causes: [.init(reason: "FieldValueRequired", message: "Required value", field: "metadata.namespace")])
        }
        var name = meta["name"].string ?? ""
        if name.isEmpty, let prefix = meta["generateName"].string, !prefix.isEmpty {
            name = NameGenerator.name(prefix: prefix)
        }
        try ObjectValidation.checkName(name, type: type)
        if type.namespaced { try checkNamespace(namespace, for: gvr, name: name) }
        if object(type.groupResource, namespace, name) != nil { throw .alreadyExists(gvr, name) }

        meta["name"] = .string(name)
        meta["namespace"] = type.namespaced ? .string(namespace) : .null
        meta["uid"] = .string(NameGenerator.uid())
        meta["creationTimestamp"] = .string(Timestamp.rfc3339(now))
        meta["generation"] = type.tracksGeneration ? 1 : .null
        meta["deletionTimestamp"] = .null
        meta["deletionGracePeriodSeconds"] = .null
        meta["selfLink"] = .null
        obj["metadata"] = meta
        if type.hasStatusSubresource { obj["status"] = type.initialStatus ?? .null }
        BuiltinDefaults.apply(to: &obj, kind: type.kind, group: type.group)
        if type.kind == "Service", type.group.isEmpty { assignClusterIP(&obj) }
        if type.kind == "Namespace", type.group.isEmpty, obj["spec"]["finalizers"].isNull {
            obj["spec"]["finalizers"] = ["kubernetes"]
        }
        try ObjectValidation.checkFinalizers(obj, type: type)
        if dryRun {
            obj["metadata"]["resourceVersion"] = .null
            return obj
        }
        return commit(type, .added, obj, previous: nil)
    }

    private mutating func assignClusterIP(_ obj: inout JSON) {
        guard obj["spec"]["type"].string != "ExternalName" else { return }
        let ip = obj["spec"]["clusterIP"].string ?? ""
        if ip.isEmpty {
            let new = allocateServiceIP()
            obj["spec"]["clusterIP"] = .string(new)
            obj["spec"]["clusterIPs"] = [.string(new)]
        } else if obj["spec"]["clusterIPs"].isNull {
            obj["spec"]["clusterIPs"] = [.string(ip)]
        }
    }

    /// PUT of the main resource, `/status` or `/finalize`. Returns the stored object and whether
    /// the PUT created it (kinds that allow create-on-update).
    mutating func update(_ gvr: GroupVersionResource, _ input: JSON, target: WriteTarget, now: Date,
                         dryRun: Bool) throws(APIError) -> (JSON, created: Bool) {
        let type = try type(gvr)
        let namespace = type.namespaced ? input["metadata"]["namespace"].string ?? "" : ""
        let name = input["metadata"]["name"].string ?? ""
        guard let old = object(type.groupResource, namespace, name) else {
            if type.allowCreateOnUpdate, target == .main {
                var fresh = input
                fresh["metadata"]["resourceVersion"] = .null
                return (try create(gvr, fresh, now: now, dryRun: dryRun), true)
            }
            throw .notFound(gvr, name)
        }
        let rv = input["metadata"]["resourceVersion"].string ?? ""
        if rv.isEmpty, type.requiresResourceVersionOnUpdate, target == .main {
            throw .invalid(kind: type.kind, group: type.group, name: name, causes: [
                .init(reason: "FieldValueInvalid", message: "Invalid value: 0x0: must be specified for an update",
                      field: "metadata.resourceVersion")])
        }
        if !rv.isEmpty, rv != old["metadata"]["resourceVersion"].string { throw .conflict(gvr, name) }
        if let uid = input["metadata"]["uid"].string, !uid.isEmpty, uid != old["metadata"]["uid"].string {
            throw .conflict(gvr, name)
        }
        var new = merged(old: old, input: input, type: type, target: target)
        new["apiVersion"] = .string(gvr.groupVersion)
        if target == .main { BuiltinDefaults.apply(to: &new, kind: type.kind, group: type.group) }
        try ObjectValidation.checkFinalizers(new, type: type)
        try ObjectValidation.checkNoNewFinalizers(old: old, new: new, type: type)
        if type.tracksGeneration, Self.specChanged(old, new, type) {
            new["metadata"]["generation"] = .int(Int64((old["metadata"]["generation"].int ?? 0) + 1))
        }
        if Self.sameIgnoringManagedFields(old, new) { return (old, false) }
        if dryRun { return (new, false) }
        if Self.readyToRemove(new, type: type) {
            return (commit(type, .deleted, new, previous: old), false)
        }
        return (commit(type, .modified, new, previous: old), false)
    }

    /// Builds the object to store: what the write may change comes from `input`, the rest from `old`.
    private func merged(old: JSON, input: JSON, type: ResourceType, target: WriteTarget) -> JSON {
        switch target {
        case .status:
            var new = old
            new["status"] = input["status"]
            if !input["metadata"]["managedFields"].isNull {
                new["metadata"]["managedFields"] = input["metadata"]["managedFields"]
            }
            return new
        case .finalize:
            var new = old
            new["spec"]["finalizers"] = input["spec"]["finalizers"].isNull ? .array([]) : input["spec"]["finalizers"]
            return new
        case .main:
            var new = input
            new["kind"] = .string(type.kind)
            if type.hasStatusSubresource { new["status"] = old["status"] }
            if type.kind == "Namespace", type.group.isEmpty { new["spec"]["finalizers"] = old["spec"]["finalizers"] }
            for field in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                          "deletionGracePeriodSeconds", "generation", "resourceVersion"] {
                new["metadata"][field] = old["metadata"][field]
            }
            if type.kind == "Service", type.group.isEmpty, (new["spec"]["clusterIP"].string ?? "").isEmpty {
                new["spec"]["clusterIP"] = old["spec"]["clusterIP"]
                new["spec"]["clusterIPs"] = old["spec"]["clusterIPs"]
            }
            return new
        }
    }

    /// Whether a change counts for `metadata.generation`: anything outside metadata (and outside
    /// status when the kind has a status subresource); deployments also count annotations.
    static func specChanged(_ old: JSON, _ new: JSON, _ type: ResourceType) -> Bool {
        func essence(_ o: JSON) -> JSON {
            var e = o
            e["metadata"] = .null
            e["apiVersion"] = .null
            if type.hasStatusSubresource { e["status"] = .null }
            if type.generationCountsAnnotations { e["metadata"] = ["annotations": o["metadata"]["annotations"]] }
            return e
        }
        return essence(old) != essence(new)
    }

    static func sameIgnoringManagedFields(_ a: JSON, _ b: JSON) -> Bool {
        var x = a, y = b
        x["metadata"]["managedFields"] = .null
        y["metadata"]["managedFields"] = .null
        x["apiVersion"] = .null
        y["apiVersion"] = .null
        return x == y
    }

    /// A marked object goes once its finalizers are gone (and, for graceful kinds, its grace is 0).
    static func readyToRemove(_ obj: JSON, type: ResourceType) -> Bool {
        let meta = obj["metadata"]
        guard !meta["deletionTimestamp"].isNull else { return false }
        if !(meta["finalizers"].array ?? []).isEmpty { return false }
        if type.kind == "Namespace", type.group.isEmpty, !(obj["spec"]["finalizers"].array ?? []).isEmpty { return false }
        if type.gracefulDeletion, (meta["deletionGracePeriodSeconds"].int ?? 0) > 0 { return false }
        return true
    }
}
