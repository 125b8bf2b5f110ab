import DozeJSON
import HTTPCore

extension RequestContext {
    /// POST: create in the URL's namespace.
    func create() throws(APIError) -> HTTPResponse {
        if type.namespaced, target.namespace == nil { throw .methodNotAllowed("POST", gvr) }
        var obj = try bodyObject()
        try checkNamespace(&obj)
        let prepared = try admit(obj, old: nil, subresource: nil, isPatch: false)
        let created = try store.create(gvr, prepared.object, dryRun: dryRun)
        let final = dryRun ? created : try afterWrite(created)
        return respond(final, status: 201, warnings: prepared.warnings)
    }

    /// PUT of the object or of its status, scale or finalize subresource.
    func replace(_ name: String, subresource: String?) throws(APIError) -> HTTPResponse {
        var obj = try bodyObject()
        if subresource == "scale" { return try replaceScale(name, obj) }
        try checkNamespace(&obj)
        let bodyName = obj["metadata"]["name"].string ?? ""
        if bodyName.isEmpty { obj["metadata"]["name"] = .string(name) }
        else if bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let old = try? store.get(gvr, namespace: namespace, name: name)
        let prepared = try admit(obj, old: old, subresource: subresource, isPatch: false)
        let (stored, created) = try store.write(gvr, prepared.object, target: writeTarget(subresource), dryRun: dryRun)
        let final = dryRun ? stored : try afterWrite(stored)
        return respond(final, status: created ? 201 : 200, warnings: prepared.warnings)
    }

    func writeTarget(_ subresource: String?) -> WriteTarget {
        switch subresource {
        case "status": return .status
        case "finalize": return .finalize
        default: return .main
        }
    }

    /// The object's namespace must be the URL's (400 otherwise); an empty one takes the URL's.
    func checkNamespace(_ obj: inout JSON) throws(APIError) {
        guard type.namespaced, let ns = target.namespace else {
            obj["metadata"]["namespace"] = nil
            return
        }
        let bodyNS = obj["metadata"]["namespace"].string ?? ""
        if !bodyNS.isEmpty, bodyNS != ns {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        obj["metadata"]["namespace"] = .string(ns)
    }

    /// What kube-apiserver does between decoding and storage: custom resource schema
    /// (defaulting, pruning, validation), CRD checks, and field validation warnings.
    func admit(_ obj: JSON, old: JSON?, subresource: String?, isPatch: Bool,
               recordFields: Bool = true) throws(APIError) -> Admitted {
        let mode = query["fieldValidation"] ?? "Warn"
        guard ["Ignore", "Warn", "Strict"].contains(mode) else {
            throw .badRequest("fieldValidation: Unsupported value: \"\(mode)\": supported values: \"Ignore\", \"Strict\", \"Warn\"")
        }
        var result = Admitted(object: obj)
        if type.kind == "CustomResourceDefinition", type.group == "apiextensions.k8s.io", subresource == nil {
            result.object = try CRDRegistrar.admit(obj, old: old)
        }
        if let crd = type.definition {
            let unknown = try CustomResourceSchemaCache.schema(crd: crd, version: gvr.version, kind: type.kind, group: type.group)
                .admit(&result.object, old: old, subresource: subresource)
            try report(unknown: unknown, mode: mode, isPatch: isPatch, into: &result)
        }
        if recordFields { result.object = recordManagedFields(result.object, old: old, subresource: subresource) }
        return result
    }

    /// Dropped unknown fields: warnings with Warn, an error with Strict (400 for create and update,
    /// 422 for patches), nothing with Ignore.
    func report(unknown: [String], mode: String, isPatch: Bool, into result: inout Admitted) throws(APIError) {
        guard !unknown.isEmpty else { return }
        let texts = unknown.map { "unknown field \"\($0)\"" }
        switch mode {
        case "Strict":
            let detail = "strict decoding error: " + texts.joined(separator: ", ")
            if isPatch {
                throw .invalid(kind: type.kind, group: type.group, name: result.object["metadata"]["name"].string ?? "",
                               causes: [.init(reason: "FieldValueInvalid", message: "Invalid value: \"...\": \(detail)", field: "patch")])
            }
            throw .badRequest("\(type.kind) in version \"\(gvr.version)\" cannot be handled as a \(type.kind): \(detail)")
        case "Warn": result.warnings += texts
        default: break
        }
    }

    /// Work that follows a successful write: a CRD's names are accepted and its kind served.
    func afterWrite(_ stored: JSON) throws(APIError) -> JSON {
        guard type.kind == "CustomResourceDefinition", type.group == "apiextensions.k8s.io",
              stored["metadata"]["deletionTimestamp"].isNull else { return stored }
        return try CRDRegistrar.establish(stored, in: store)
    }
}

/// An object ready for storage, with the warnings to send back.
struct Admitted {
    var object: JSON
    var warnings: [String] = []
}
