import DozeJSON

/// Just enough OpenAPI v3 for kubectl's `--validate` (its default): per group-version, a PATCH
/// operation per kind carrying `x-kubernetes-group-version-kind` and a `fieldValidation` query
/// parameter. Finding that, kubectl leaves field validation to the server instead of fetching
/// schemas. Schemas of built-in kinds are not served (`kubectl explain` does not work).
struct OpenAPIDocuments {
    let types: [ResourceType]

    var root: JSON {
        var paths: [String: JSON] = [:]
        for t in types {
            for v in t.versions {
                let key = t.group.isEmpty ? "api/\(v)" : "apis/\(t.group)/\(v)"
                paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash(t.group, v))")]
            }
        }
        return ["paths": .object(paths)]
    }

    /// Changes whenever the set of kinds in a group-version does, so kubectl's cache refreshes.
    func hash(_ group: String, _ version: String) -> String {
        let names = types.filter { $0.group == group && $0.versions.contains(version) }.map(\.kind).sorted()
        var h: UInt64 = 1469598103934665603
        for b in names.joined(separator: ",").utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        return String(h, radix: 16, uppercase: true)
    }

    func document(group: String, version: String) -> JSON? {
        let served = types.filter { $0.group == group && $0.versions.contains(version) }
        guard !served.isEmpty else { return nil }
        var paths: [String: JSON] = [:]
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let fieldValidation: JSON = ["name": "fieldValidation", "in": "query", "schema": ["type": "string", "uniqueItems": true],
                                     "description": "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields."]
        for t in served {
            let gvk: JSON = ["group": .string(t.group), "version": .string(version), "kind": .string(t.kind)]
            let path = t.namespaced ? "\(prefix)/namespaces/{namespace}/\(t.resource)/{name}" : "\(prefix)/\(t.resource)/{name}"
            let op: JSON = ["operationId": .string("patch\(t.kind)"), "x-kubernetes-action": "patch",
                            "x-kubernetes-group-version-kind": gvk, "parameters": [fieldValidation],
                            "responses": ["200": ["description": "OK"]]]
            var create = op
            create["operationId"] = .string("create\(t.kind)")
            create["x-kubernetes-action"] = "post"
            let collection = t.namespaced ? "\(prefix)/namespaces/{namespace}/\(t.resource)" : "\(prefix)/\(t.resource)"
            paths[path] = ["patch": op, "put": op]
            paths[collection] = ["post": create]
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.33.0-doze"],
                "paths": .object(paths), "components": ["schemas": .emptyObject]]
    }
}
