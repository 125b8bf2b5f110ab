import DozeJSON
import Foundation

/// managedFields bookkeeping for writes that are not server-side apply (create, update, patch,
/// status writes): the writer becomes an `Update` manager owning the fields it changed.
///
/// Simplified against kube-apiserver: a field changed by the write moves to the writer from every
/// other manager (upstream does the same for Update); fields that disappear leave every set;
/// managedFields sent in the body are honoured only as a reset (an explicit `[]` clears them,
/// other edits replace the stored ones), and there is no per-apiVersion conversion of field sets.
public enum ManagedFields {
    /// The new `metadata.managedFields` value for `new` after a write by `manager`: a JSON array
    /// of entries, or `.null` when no manager owns anything (so `obj["metadata"]["managedFields"] =
    /// result` sets or removes it). `kind` (default: `new["kind"]`) picks the built-in list keys;
    /// pass the CRD's `schema` for custom resources so their list-map keys match what
    /// `ServerSideApply` records, or ownership of list elements will not line up.
    public static func recordUpdate(
        old: JSON?, new: JSON, manager: String, operation: String = "Update", subresource: String?,
        kind: String = "", schema: StructuralSchema? = nil, time: String = now()
    ) -> JSON {
        // Without an explicit kind, the object's own decides which built-in list keys apply.
        let kind = kind.isEmpty ? (new["kind"].string ?? "") : kind
        let fields = ObjectFields(resolver: ListTypeResolver(kind: kind, schema: schema))
        let stored = old?["metadata"]["managedFields"] ?? .null
        let sent = new["metadata"]["managedFields"]
        var entries = ManagedFieldsEntry.parse(sent != .null && sent != stored ? sent : stored)
        if sent == .array([]) && stored != .array([]) { return .null }

        let before = old.map(fields.fieldSet(of:)) ?? FieldSet()
        let after = fields.fieldSet(of: new)
        let changed = after.paths.filter { path in
            guard before.paths.contains(path) else { return true }
            guard let b = after.leafValues?[path] else { return false }
            return !(before.leafValues?[path].map { $0.jsonEquals(b) } ?? false)
        }

        for i in entries.indices {
            entries[i].fields.paths.subtract(changed)
            entries[i].fields.paths = entries[i].fields.paths.filter { after.paths.contains($0) || fields.value(at: $0, in: new) != nil }
        }
        if !changed.isEmpty {
            let apiVersion = new["apiVersion"].string ?? ""
            if let i = entries.firstIndex(where: { $0.isSame(manager: manager, operation: operation, subresource: subresource) }) {
                entries[i].fields.paths.formUnion(changed)
                entries[i].time = time
                entries[i].apiVersion = apiVersion
            } else {
                entries.append(ManagedFieldsEntry(manager: manager, operation: operation, apiVersion: apiVersion,
                                                  time: time, subresource: subresource, fields: FieldSet(changed)))
            }
        }
        return ManagedFieldsEntry.serialize(entries)
    }

    /// Now, as managedFields times are written: RFC 3339 in UTC, whole seconds.
    public static func now() -> String {
        Date().formatted(.iso8601)
    }
}
