import DozeJSON
import HTTPCore

/// The `/scale` subresource: an `autoscaling/v1` Scale view of the replicas of a Deployment or
/// of a custom resource with a scale subresource.
extension RequestContext {
    var scalePaths: ScalePaths { type.scale ?? ScalePaths() }

    func scale(of obj: JSON) -> JSON {
        let paths = scalePaths
        let spec = SimpleJSONPath.evaluate(paths.specReplicasPath, in: obj).first?.int ?? 0
        let status = SimpleJSONPath.evaluate(paths.statusReplicasPath, in: obj).first?.int ?? 0
        var meta: JSON = .emptyObject
        for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { meta[f] = obj["metadata"][f] }
        var scaleStatus: JSON = ["replicas": .int(Int64(status))]
        if let sp = paths.labelSelectorPath, let sel = SimpleJSONPath.evaluate(sp, in: obj).first {
            let text = sel.string ?? BuiltinPrinters.selectorText(sel)
            if !text.isEmpty { scaleStatus["selector"] = .string(text) }
        }
        return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta,
                "spec": ["replicas": .int(Int64(spec))], "status": scaleStatus]
    }

    func getScale(_ name: String) throws(APIError) -> HTTPResponse {
        respond(scale(of: try store.get(gvr, namespace: namespace, name: name)))
    }

    func replaceScale(_ name: String, _ body: JSON) throws(APIError) -> HTTPResponse {
        let rv = body["metadata"]["resourceVersion"].string ?? ""
        // An unconditional replace (no resourceVersion) is retried when it loses a race.
        var attempt = 0
        while true {
            attempt += 1
            do { return try setReplicas(name, body["spec"]["replicas"].int, resourceVersion: rv.isEmpty ? nil : rv) }
            catch where error.code == 409 && error.reason == "Conflict" && rv.isEmpty && attempt < 5 { continue }
        }
    }

    func patchScale(_ name: String, _ body: JSON, _ kind: PatchType) throws(APIError) -> HTTPResponse {
        // As kube-apiserver's GuaranteedUpdate: a patch without a resourceVersion that lost a race
        // with another write (a status update, say) is applied again to the newer object — so a
        // JSON patch's `test` op is always checked against what the write replaces.
        var attempt = 0
        while true {
            attempt += 1
            let current = scale(of: try store.get(gvr, namespace: namespace, name: name))
            // A Scale has no merge keys: strategic merge is a merge patch here.
            let patched = try applyPatch(kind == .strategic ? .merge : kind, body, to: current)
            let rv = patched["metadata"]["resourceVersion"]
            let pinned = rv != current["metadata"]["resourceVersion"] || patchCarriesResourceVersion(body)
            do {
                return try setReplicas(name, patched["spec"]["replicas"].int, resourceVersion: rv.string,
                                       expected: current["metadata"]["resourceVersion"].string)
            } catch where error.code == 409 && error.reason == "Conflict" && !pinned && attempt < 5 {
                continue
            }
        }
    }

    /// `resourceVersion`: the client's precondition (409 when stale). `expected`: the version the
    /// caller computed from, so the write cannot silently land on a newer object.
    func setReplicas(_ name: String, _ replicas: Int?, resourceVersion: String?,
                     expected: String? = nil) throws(APIError) -> HTTPResponse {
        guard let replicas, replicas >= 0 else {
            throw .invalid(kind: "Scale", group: "autoscaling", name: name, causes: [
                .init(reason: "FieldValueInvalid", message: "Invalid value: \(replicas ?? -1): must be greater than or equal to 0",
                      field: "spec.replicas")])
        }
        let old = try store.get(gvr, namespace: namespace, name: name)
        for v in [resourceVersion, expected] {
            if let v, v != old["metadata"]["resourceVersion"].string { throw .conflict(gvr, name) }
        }
        let keys = scalePaths.specReplicasPath.split(separator: ".").map(String.init)
        var obj = old
        setPath(&obj, keys[...], .int(Int64(replicas)))
        obj["metadata"]["managedFields"] = ManagedFields.recordUpdate(
            old: old, new: obj, manager: fieldManager, subresource: "scale", kind: type.kind, schema: crdSchema,
            time: Timestamp.rfc3339(store.now()))
        // The write is checked against the version read, so a concurrent change is a 409, not lost.
        let stored = try store.update(gvr, obj, dryRun: dryRun)
        return respond(scale(of: stored))
    }

    private func setPath(_ node: inout JSON, _ keys: ArraySlice<String>, _ value: JSON) {
        guard let first = keys.first else { node = value; return }
        var child = node[first]
        setPath(&child, keys.dropFirst(), value)
        node[first] = child
    }
}
