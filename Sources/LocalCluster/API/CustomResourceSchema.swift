import DozeJSON

/// A custom resource version's openAPIV3Schema applied the way kube-apiserver applies it on
/// every write: defaults, then pruning of unknown fields, then validation (422 Invalid with
/// one cause per problem).
struct CustomResourceSchema: Sendable {
    let schema: StructuralSchema?
    let kind: String
    let group: String
    let hasStatusSubresource: Bool

    init(crd: JSON, version: String, kind: String, group: String) {
        let v = (crd["spec"]["versions"].array ?? []).first { $0["name"].string == version }
        let raw = v?["schema"]["openAPIV3Schema"] ?? .null
        schema = raw.isNull ? nil : try? StructuralSchema(json: raw)
        hasStatusSubresource = !(v?["subresources"]["status"] ?? .null).isNull
        self.kind = kind
        self.group = group
    }

    /// Prepares `obj` for storage; returns the unknown fields it dropped.
    func admit(_ obj: inout JSON, old: JSON?, subresource: String?) throws(APIError) -> [String] {
        guard let schema else { return [] }
        var candidate = obj
        if subresource == "status", let old {
            // Only status comes from a status write; check it in the context of the stored object.
            candidate = old
            candidate["status"] = obj["status"]
        } else if hasStatusSubresource {
            // The store keeps the stored status on main-resource writes; do not judge the sent one.
            candidate["status"] = old?["status"] ?? .null
        }
        let (pruned, unknown) = schema.prune(schema.applyDefaults(candidate))
        let causes = schema.validate(pruned)
        if !causes.isEmpty {
            throw .invalid(kind: kind, group: group, name: obj["metadata"]["name"].string ?? "",
                           causes: causes.map { .init(reason: $0.reason, message: $0.message, field: $0.field) })
        }
        if subresource == "status" { obj["status"] = pruned["status"] } else { obj = pruned }
        return unknown
    }

    /// Problems that make a schema non-structural, reported when the CRD is written.
    static func structuralProblems(_ schema: JSON, prefix: String) -> [APIError.Cause] {
        do {
            let s = try StructuralSchema(json: schema)
            return s.structuralErrors(prefix: prefix).map { .init(reason: $0.reason, message: $0.message, field: $0.field) }
        } catch {
            return [.init(reason: "FieldValueInvalid", message: "Invalid value: \(error.description)", field: prefix)]
        }
    }
}
