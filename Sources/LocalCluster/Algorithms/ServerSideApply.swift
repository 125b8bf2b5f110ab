import DozeJSON

/// Server-side apply (`PATCH` with `application/apply-patch+yaml`): merges a manager's applied
/// configuration into the live object and records what each manager owns in
/// `metadata.managedFields` (FieldsV1).
///
/// Semantics kept from kube-apiserver: the applier owns exactly the fields it applied; a field
/// another manager owns whose value the apply would change is a conflict (409) unless `force`,
/// which moves ownership to the applier; fields the applier applied before and leaves out now are
/// removed unless another manager still owns them; lists merge by their list-map keys (built-in
/// tables, or the CRD schema's `x-kubernetes-list-type: map` + `x-kubernetes-list-map-keys`),
/// sets by value, everything else atomically; `null` in the applied configuration is ignored.
///
/// Untypable bodies fail as upstream's plain 500 `failed to create typed patch object (...)`:
/// a list-map element without its key, duplicate keys, and (given a CRD schema) a field the
/// schema does not declare.
///
/// Simplified: built-in kinds are not type-checked field by field (only their list keys are
/// known, from `BuiltinListTypes`), so an unknown field in a built-in apply body is merged
/// rather than rejected; key fields with a server default (`protocol`) are matched as if
/// defaulted; maps are granular except CRD `x-kubernetes-map-type: atomic` and the built-in
/// atomic structs (selectors, env refs, owner references); the status of kinds with a status
/// subresource is not reset here (the handler drops it before calling); no
/// version conversion of field sets and no cap on the number of Update managers (upstream folds
/// old ones into `ancient-changes`); managedFields sent in the apply body are ignored.
public enum ServerSideApply {
    public static func apply(
        _ applied: JSON, to live: JSON?, manager: String, force: Bool, kind: String,
        schema: StructuralSchema? = nil, subresource: String? = nil, time: String = ManagedFields.now()
    ) throws(ApplyError) -> JSON {
        let fields = ObjectFields(resolver: ListTypeResolver(kind: kind, schema: schema))
        var intent = dropNulls(applied)
        intent[path: "metadata", "managedFields"] = .null
        if let schema, let first = schema.prune(intent).unknown.first {
            throw .typedPatch(intent, ".\(first): field not declared in schema")
        }
        let appliedSet = fields.fieldSet(of: intent)
        let base = live ?? .emptyObject
        var entries = ownership(of: live, fields: fields, time: time)
        let mine = entries.firstIndex { $0.isSame(manager: manager, operation: "Apply", subresource: subresource) }

        var merged: JSON
        do { merged = try ApplyMerge(fields: fields).merge(base, intent, names: [], at: "") } catch {
            throw .typedPatch(intent, error.problem)
        }
        let conflicts = findConflicts(entries, except: mine, applied: appliedSet, live: base, merged: merged, fields: fields)
        if !conflicts.isEmpty && !force {
            throw .conflicts(conflicts.map { (entries[$0.entry].printedName, FieldSet.pathString($0.path)) })
        }
        for c in conflicts { entries[c.entry].fields.paths.remove(c.path) }
        if let mine {
            merged = removeDropped(entries, mine: mine, applied: appliedSet, from: merged, fields: fields)
        }

        let entry = ManagedFieldsEntry(manager: manager, operation: "Apply", apiVersion: intent["apiVersion"].string ?? "",
                                       time: time, subresource: subresource, fields: appliedSet)
        if let mine { entries[mine] = entry } else { entries.append(entry) }
        // Ownership of fields that no longer exist goes (inner maps exist without being members).
        let finalPaths = fields.fieldSet(of: merged).paths
        for i in entries.indices {
            entries[i].fields.paths = entries[i].fields.paths.filter { finalPaths.contains($0) || fields.value(at: $0, in: merged) != nil }
        }
        merged[path: "metadata", "managedFields"] = ManagedFieldsEntry.serialize(entries)
        return merged
    }

    /// The recorded owners of `live`. An object nobody has recorded ownership of gets a
    /// `before-first-apply` Update manager for its fields, as upstream does, so a first apply
    /// can conflict with them.
    private static func ownership(of live: JSON?, fields: ObjectFields, time: String) -> [ManagedFieldsEntry] {
        guard let live else { return [] }
        let entries = ManagedFieldsEntry.parse(live["metadata"]["managedFields"])
        let existing = fields.fieldSet(of: live)
        guard entries.isEmpty, !existing.isEmpty else { return entries }
        return [ManagedFieldsEntry(manager: "before-first-apply", operation: "Update", apiVersion: live["apiVersion"].string ?? "",
                                   time: time, subresource: nil, fields: existing)]
    }

    /// Fields other managers own whose value this apply changes.
    private static func findConflicts(
        _ entries: [ManagedFieldsEntry], except mine: Int?, applied: FieldSet, live: JSON, merged: JSON, fields: ObjectFields
    ) -> [(entry: Int, path: FieldPathSteps)] {
        let appliedLeaves = applied.leaves
        let liveSet = fields.fieldSet(of: live), mergedSet = fields.fieldSet(of: merged)
        func valueAt(_ path: FieldPathSteps, _ set: FieldSet, _ obj: JSON) -> JSON? {
            set.leafValues?[path] ?? fields.value(at: path, in: obj)
        }
        var conflicts: [(entry: Int, path: FieldPathSteps)] = []
        for (i, entry) in entries.enumerated() where i != mine {
            for path in entry.fields.paths.intersection(appliedLeaves) {
                let before = valueAt(path, liveSet, live), after = valueAt(path, mergedSet, merged)
                if let before, let after, before.jsonEquals(after) { continue }
                if before == nil && after == nil { continue }
                conflicts.append((i, path))
            }
        }
        return conflicts
    }

    /// Removes what this manager applied before and no longer applies, unless another manager
    /// owns it (or something inside it), or this apply still sets something inside it (an empty
    /// list or map that now has members). An element goes with everything inside it.
    private static func removeDropped(
        _ entries: [ManagedFieldsEntry], mine: Int, applied: FieldSet, from merged: JSON, fields: ObjectFields
    ) -> JSON {
        var othersOwn = Set<FieldPathSteps>()
        for (i, e) in entries.enumerated() where i != mine { othersOwn.formUnion(e.fields.paths) }
        let dropped = entries[mine].fields.paths.subtracting(applied.paths).subtracting(othersOwn)
        let outermost = dropped.filter { path in !dropped.contains { isProperPrefix($0, of: path) } }
        var result = merged
        for path in outermost where !othersOwn.contains(where: { isProperPrefix(path, of: $0) })
            && !applied.paths.contains(where: { isProperPrefix(path, of: $0) }) {
            result = fields.removing(path, from: result)
        }
        return result
    }

    private static func isProperPrefix(_ a: FieldPathSteps, of b: FieldPathSteps) -> Bool {
        a.count < b.count && Array(b.prefix(a.count)) == a
    }

    private static func dropNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let o): return .object(o.filter { !$0.value.isNull }.mapValues(dropNulls))
        case .array(let a): return .array(a.map(dropNulls))
        default: return value
        }
    }
}
