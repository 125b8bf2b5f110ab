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
/// Simplified: no type checking of the applied configuration against a schema (upstream fails
/// with `field not declared in schema`; the handler prunes/validates CRs separately); new
/// list-map elements are appended after the live ones instead of following the applied order;
/// key fields with a server default (`protocol`) are matched as if defaulted; the status of kinds
/// with a status subresource is not reset here (the handler drops it before calling); no
/// version conversion of managedFields; the object's own managedFields in the body are ignored.
public enum ServerSideApply {
    public static func apply(
        _ applied: JSON, to live: JSON?, manager: String, force: Bool, kind: String,
        schema: StructuralSchema? = nil, subresource: String? = nil, time: String = ManagedFields.now()
    ) throws(ApplyError) -> JSON {
        let fields = ObjectFields(resolver: ListTypeResolver(kind: kind, schema: schema))
        var intent = dropNulls(applied)
        intent[path: "metadata", "managedFields"] = .null
        let appliedSet = fields.fieldSet(of: intent)
        let base = live ?? .emptyObject
        var entries = ManagedFieldsEntry.parse(base["metadata"]["managedFields"])
        if let live, entries.isEmpty {
            // An object nobody has recorded ownership of: upstream attributes its fields to a
            // `before-first-apply` Update manager, so a first apply can conflict with them.
            let existing = fields.fieldSet(of: live)
            if !existing.isEmpty {
                entries.append(ManagedFieldsEntry(manager: "before-first-apply", operation: "Update",
                                                  apiVersion: live["apiVersion"].string ?? "", time: time, subresource: nil, fields: existing))
            }
        }
        let mine = entries.firstIndex { $0.isSame(manager: manager, operation: "Apply", subresource: subresource) }

        if let schema {
            let unknown = schema.prune(intent).unknown
            if let first = unknown.first { throw .typedPatch(intent, ".\(first): field not declared in schema") }
        }
        let merged0: JSON
        do { merged0 = try ApplyMerge(fields: fields).merge(base, intent, names: [], at: "") } catch {
            throw .typedPatch(intent, error.problem)
        }
        var merged = merged0

        // Conflicts: fields others own whose value this apply changes.
        var conflicts: [(entry: Int, path: FieldPathSteps)] = []
        for (i, entry) in entries.enumerated() where i != mine {
            for path in entry.fields.paths.intersection(appliedSet.paths) {
                guard case .field? = path.last else { continue }
                let before = fields.value(at: path, in: base), after = fields.value(at: path, in: merged)
                if let before, let after, before.jsonEquals(after) { continue }
                if before == nil && after == nil { continue }
                conflicts.append((i, path))
            }
        }
        if !conflicts.isEmpty && !force {
            throw .conflicts(conflicts.map { (entries[$0.entry].printedName, FieldSet.pathString($0.path)) })
        }
        for c in conflicts { entries[c.entry].fields.paths.remove(c.path) }

        // Fields this manager applied before and no longer applies go, unless someone else owns them.
        if let mine {
            let othersOwn = entries.enumerated().filter { $0.offset != mine }.reduce(into: Set<FieldPathSteps>()) { $0.formUnion($1.element.fields.paths) }
            let dropped = entries[mine].fields.paths.subtracting(appliedSet.paths).subtracting(othersOwn)
            // Remove the outermost dropped paths only: an element goes with everything inside it.
            let outermost = dropped.filter { path in !dropped.contains { $0.count < path.count && Array(path.prefix($0.count)) == $0 } }
            for path in outermost where !othersOwnBelow(path, othersOwn) {
                merged = fields.removing(path, from: merged)
            }
        }

        let entry = ManagedFieldsEntry(manager: manager, operation: "Apply", apiVersion: intent["apiVersion"].string ?? "",
                                       time: time, subresource: subresource, fields: appliedSet)
        if let mine { entries[mine] = entry } else { entries.append(entry) }
        for i in entries.indices {
            entries[i].fields.paths = entries[i].fields.paths.filter { fields.value(at: $0, in: merged) != nil }
        }
        merged[path: "metadata", "managedFields"] = ManagedFieldsEntry.serialize(entries)
        return merged
    }

    /// A list element or map is kept when another manager still owns a field inside it.
    private static func othersOwnBelow(_ path: FieldPathSteps, _ owned: Set<FieldPathSteps>) -> Bool {
        owned.contains { $0.count > path.count && Array($0.prefix(path.count)) == path }
    }

    private static func dropNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let o): return .object(o.filter { !$0.value.isNull }.mapValues(dropNulls))
        case .array(let a): return .array(a.map(dropNulls))
        default: return value
        }
    }
}

/// The merge of an applied configuration into a live object, list-type aware.
struct ApplyMerge {
    let fields: ObjectFields

    struct Untypable: Error { let problem: String }

    /// `at` is the printed path so far (`.spec.template.spec.containers[name="app"]`), for errors.
    func merge(_ live: JSON, _ applied: JSON, names: [String], at: String) throws(Untypable) -> JSON {
        switch (live, applied) {
        case (.object(var result), .object(let intent)) where !fields.resolver.isAtomicMap(names):
            for (name, value) in intent {
                // Merging into an empty value of the same shape still checks list-map keys.
                let existing = result[name] ?? (value.array != nil ? .array([]) : value.object != nil ? .emptyObject : .null)
                result[name] = try merge(existing, value, names: names + [name], at: at + "." + name)
            }
            return .object(result)
        case (.array(var result), .array(let intent)):
            switch fields.resolver.strategy(names) {
            case .atomic:
                return applied
            case .set:
                for item in intent where !result.contains(where: { $0.jsonEquals(item) }) { result.append(item) }
                return .array(result)
            case .map(_, let keys):
                var seen: [JSON] = []
                for (i, item) in intent.enumerated() {
                    guard let key = fields.resolver.key(of: item, keys: keys) else {
                        let missing = keys.first { item[$0].isNull } ?? keys[0]
                        throw Untypable(problem: "\(at): element \(i): associative list with keys has an element that omits key field \(JSON.goQuote(missing)) (and doesn't have default value)")
                    }
                    let keyText = PathElement.key(key).pathString
                    if seen.contains(key) { throw Untypable(problem: "\(at): duplicate entries for key \(keyText)") }
                    seen.append(key)
                    if let found = result.firstIndex(where: { fields.resolver.key(of: $0, keys: keys) == key }) {
                        result[found] = try merge(result[found], item, names: names, at: at + keyText)
                    } else {
                        result.append(try merge(.emptyObject, item, names: names, at: at + keyText))
                    }
                }
                return .array(result)
            }
        default:
            return applied
        }
    }
}
