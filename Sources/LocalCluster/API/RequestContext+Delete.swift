import DozeJSON
import HTTPCore

extension RequestContext {
    /// DeleteOptions from the body (kubectl sends one) and the query.
    func deleteOptions() throws(APIError) -> (DeleteOptions, orphanDependentsFalse: Bool) {
        var body = JSON.emptyObject
        if !request.body.isEmpty { body = try bodyObject() }
        var o = DeleteOptions()
        let policy = query["propagationPolicy"] ?? body["propagationPolicy"].string
        if let policy {
            guard let p = PropagationPolicy(rawValue: policy) else {
                throw .invalid(kind: "DeleteOptions", group: "meta.k8s.io", name: "", causes: [
                    .init(reason: "FieldValueNotSupported",
                          message: "Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                          field: "propagationPolicy")])
            }
            o.propagationPolicy = p
        } else if let orphan = query["orphanDependents"].map({ $0 == "true" }) ?? body["orphanDependents"].bool {
            o.propagationPolicy = orphan ? .orphan : .background
        }
        o.gracePeriodSeconds = query.int("gracePeriodSeconds") ?? body["gracePeriodSeconds"].int
        o.preconditionUID = body["preconditions"]["uid"].string
        o.preconditionResourceVersion = body["preconditions"]["resourceVersion"].string
        o.dryRun = dryRun || (body["dryRun"].array ?? []).contains("All")
        return (o, body["orphanDependents"].bool == false)
    }

    func delete(_ name: String) throws(APIError) -> HTTPResponse {
        let (options, orphanFalse) = try deleteOptions()
        switch try store.delete(gvr, namespace: namespace, name: name, options: options) {
        case .deleted(let obj):
            return respond(type.returnsDeletedObject ? obj : Respond.deleteSuccess(gvr, obj))
        case .pending(let obj):
            return respond(obj, status: orphanFalse ? 202 : 200)
        }
    }

    /// DELETE on a collection: deletes every selected object and returns them as a list.
    func deleteCollection() throws(APIError) -> HTTPResponse {
        if type.kind == "Namespace", type.group.isEmpty { throw .methodNotAllowed("deletecollection", gvr) }
        let (options, _) = try deleteOptions()
        var opts = try listOptions()
        opts.limit = nil
        opts.continueToken = nil
        let page = try store.list(gvr, opts)
        var gone: [JSON] = []
        for obj in page.items {
            let n = obj["metadata"]["name"].string ?? ""
            let ns = obj["metadata"]["namespace"].string
            if let r = try? store.delete(gvr, namespace: ns, name: n, options: options) { gone.append(r.object) }
        }
        return respond(["kind": .string(type.listKind), "apiVersion": .string(gvr.groupVersion),
                        "metadata": ["resourceVersion": .string(store.resourceVersion)], "items": .array(gone)])
    }
}
