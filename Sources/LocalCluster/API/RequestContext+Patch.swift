import DozeJSON
import HTTPCore

/// The patch formats kube-apiserver accepts, chosen by Content-Type.
enum PatchType: String {
    case json = "application/json-patch+json"
    case merge = "application/merge-patch+json"
    case strategic = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"

    static let accepted = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
}

extension RequestContext {
    var patchType: PatchType? {
        let ct = request.headers["Content-Type"] ?? ""
        let base = ct.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        return PatchType(rawValue: base)
    }

    func patch(_ name: String, subresource: String?) throws(APIError) -> HTTPResponse {
        guard let kind = patchType, kind != .strategic || !type.isCustom else {
            let ct = request.headers["Content-Type"] ?? ""
            throw .unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                + (type.isCustom ? PatchType.accepted : PatchType.accepted + ", application/strategic-merge-patch+json")
                + (ct.isEmpty ? "" : ""))
        }
        if query["force"] != nil, kind != .apply {
            throw APIError(code: 422, reason: "Invalid", message: "force: Forbidden: may not be specified for non-apply patch",
                           details: ["causes": [["reason": "FieldValueForbidden", "message": "Forbidden: may not be specified for non-apply patch", "field": "force"]]])
        }
        let body: JSON
        do { body = try JSON(parsing: request.body) } catch {
            throw .badRequest(kind == .apply ? "error decoding YAML: \(error.description)" : "invalid JSON patch: \(error.description)")
        }
        if kind == .apply { return try apply(name, body, subresource: subresource) }
        if subresource == "scale" { return try patchScale(name, body, kind) }
        // Without a resourceVersion in the patch, a write that lost a race is retried on the newer object.
        var attempt = 0
        while true {
            attempt += 1
            let current = try store.get(gvr, namespace: namespace, name: name)
            var patched = try applyPatch(kind, body, to: current)
            try keepIdentity(&patched, of: current)
            let prepared = try admit(patched, old: current, subresource: subresource, isPatch: true)
            do {
                let (stored, _) = try store.write(gvr, prepared.object, target: writeTarget(subresource), dryRun: dryRun)
                return respond(dryRun ? stored : try afterWrite(stored), warnings: prepared.warnings)
            } catch where error.code == 409 && error.reason == "Conflict" && attempt < 5
                && patched["metadata"]["resourceVersion"] == current["metadata"]["resourceVersion"]
                && !patchCarriesResourceVersion(body) {
                continue
            }
        }
    }

    func patchCarriesResourceVersion(_ body: JSON) -> Bool {
        if case .object = body { return !body["metadata"]["resourceVersion"].isNull }
        return (body.array ?? []).contains { ($0["path"].string ?? "") == "/metadata/resourceVersion" }
    }

    func applyPatch(_ kind: PatchType, _ body: JSON, to current: JSON) throws(APIError) -> JSON {
        do {
            switch kind {
            case .merge:
                guard case .object = body else { throw APIError.badRequest("the body of the request must be a JSON object") }
                return MergePatch.apply(body, to: current)
            case .json:
                guard case .array = body else { throw APIError.badRequest("json patch must be an array of operations") }
                return try JSONPatch.apply(body, to: current)
            case .strategic:
                return try StrategicMergePatch.apply(body, to: current, kind: type.kind)
            case .apply:
                return current
            }
        } catch let e as PatchError {
            throw Self.apiError(e)
        } catch let e as APIError {
            throw e
        } catch {
            throw .internalError("\(error)")
        }
    }

    static func apiError(_ e: PatchError) -> APIError {
        if e.code == 422 {
            return APIError(code: 422, reason: "Invalid", message: e.message,
                            details: ["causes": [["reason": "FieldValueInvalid", "message": .string(e.detail), "field": "patch"]]])
        }
        return APIError(code: e.code, reason: e.reason, message: e.message)
    }

    /// A patch may not rename or move an object.
    func keepIdentity(_ patched: inout JSON, of current: JSON) throws(APIError) {
        if patched["metadata"]["name"] != current["metadata"]["name"] {
            throw .badRequest("metadata.name: Invalid value: the name of the object cannot be changed by a patch")
        }
        patched["metadata"]["namespace"] = current["metadata"]["namespace"]
        patched["metadata"]["uid"] = current["metadata"]["uid"]
    }

    /// Server-side apply: creates the object when missing (201), else merges the manager's intent.
    func apply(_ name: String, _ body: JSON, subresource: String?) throws(APIError) -> HTTPResponse {
        guard let manager = query["fieldManager"], !manager.isEmpty else {
            throw .invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", causes: [
                .init(reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager")])
        }
        guard case .object = body else { throw .badRequest("error decoding YAML: the apply configuration must be an object") }
        var intent = body
        try checkNamespace(&intent)
        let bodyName = intent["metadata"]["name"].string ?? ""
        if !bodyName.isEmpty, bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        intent["metadata"]["name"] = .string(name)
        if subresource == nil, type.hasStatusSubresource { intent["status"] = nil }
        let force = query.bool("force") && query["force"] != "false"
        var attempt = 0
        while true {
            attempt += 1
            let live = try? store.get(gvr, namespace: namespace, name: name)
            if live == nil, subresource != nil { throw .notFound(gvr, name) }
            let merged: JSON
            do {
                merged = try ServerSideApply.apply(intent, to: live, manager: manager, force: force, kind: type.kind,
                                                   schema: crdSchema, subresource: subresource,
                                                   time: Timestamp.rfc3339(store.now()))
            } catch {
                throw APIError(code: error.code, reason: error.reason, message: error.message,
                               details: error.causes.isEmpty ? .null : ["causes": .array(error.causes.map(\.json))])
            }
            let prepared = try admit(merged, old: live, subresource: subresource, isPatch: true, recordFields: false)
            do {
                if live == nil {
                    let created = try store.create(gvr, prepared.object, dryRun: dryRun)
                    return respond(dryRun ? created : try afterWrite(created), status: 201, warnings: prepared.warnings)
                }
                let (stored, _) = try store.write(gvr, prepared.object, target: writeTarget(subresource), dryRun: dryRun)
                return respond(dryRun ? stored : try afterWrite(stored), warnings: prepared.warnings)
            } catch where attempt < 5 && ((error.code == 409 && error.reason != "AlreadyExists" && live != nil)
                                          || (error.reason == "AlreadyExists" && live == nil)) {
                continue
            }
        }
    }

    /// The CRD version's structural schema, for custom resources.
    var crdSchema: StructuralSchema? {
        guard let crd = type.definition else { return nil }
        return CustomResourceSchemaCache.schema(crd: crd, version: gvr.version, kind: type.kind, group: type.group).schema
    }
}
