import DozeJSON

extension RequestContext {
    /// managedFields for writes other than apply: the writer becomes an `Update` manager of the
    /// fields it changed. Only what the write can change is compared (status for `/status`,
    /// the rest otherwise), so a spec sent to `/status` is not claimed.
    func recordManagedFields(_ obj: JSON, old: JSON?, subresource: String?) -> JSON {
        var candidate = obj
        if subresource == "status", let old {
            candidate = old
            candidate["status"] = obj["status"]
            candidate["metadata"]["managedFields"] = obj["metadata"]["managedFields"]
        } else if type.hasStatusSubresource {
            candidate["status"] = old?["status"] ?? .null
        }
        candidate["apiVersion"] = .string(gvr.groupVersion)
        var out = obj
        out["metadata"]["managedFields"] = ManagedFields.recordUpdate(
            old: old, new: candidate, manager: fieldManager, operation: "Update",
            subresource: subresource == "status" ? "status" : nil, kind: type.kind, schema: crdSchema,
            time: Timestamp.rfc3339(store.now()))
        return out
    }
}
