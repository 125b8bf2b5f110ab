import DozeJSON

/// Pruning: kube-apiserver drops every field of a custom resource its schema does not declare,
/// except below `x-kubernetes-preserve-unknown-fields: true`, and keeps `apiVersion`, `kind` and
/// the standard `metadata` fields (at the root and in embedded resources). A `null` in a field
/// that is neither nullable nor defaulted is dropped too, silently.
extension StructuralSchema {
    /// The pruned object and the dotted paths dropped (`spec.foo`, `spec.items[0].bar`), sorted,
    /// which the handler reports as `unknown field "spec.foo"` (Warn) or fails on (Strict).
    public func prune(_ obj: JSON) -> (JSON, unknown: [String]) {
        var unknown: [String] = []
        let pruned = pruneNode(obj, path: "", isResource: true, into: &unknown)
        return (pruned, unknown.sorted())
    }

    /// Pruning of a value that is not a whole resource (a default), from this node down.
    func pruneValue(_ value: JSON) -> (JSON, unknown: [String]) {
        var unknown: [String] = []
        let pruned = pruneNode(value, path: "", isResource: false, into: &unknown)
        return (pruned, unknown.sorted())
    }

    private func pruneNode(_ value: JSON, path: String, isResource: Bool, into unknown: inout [String]) -> JSON {
        switch value {
        case .object(let members):
            return .object(pruneObject(members, path: path, isResource: isResource || embeddedResource, into: &unknown))
        case .array(let elements):
            guard let items else { return value }
            return .array(elements.enumerated().map { i, element in
                items.pruneNode(element, path: FieldPath.index(path, i), isResource: items.embeddedResource, into: &unknown)
            })
        default:
            return value
        }
    }

    private func pruneObject(_ members: [String: JSON], path: String, isResource: Bool, into unknown: inout [String]) -> [String: JSON] {
        var kept: [String: JSON] = [:]
        for (name, value) in members {
            let childPath = FieldPath.child(path, name)
            if isResource && (name == "apiVersion" || name == "kind") && properties[name] == nil {
                kept[name] = value
            } else if isResource && name == "metadata" {
                kept[name] = Self.pruneMetadata(value, path: childPath, into: &unknown)
            } else if let schema = child(name) {
                if value.isNull && !schema.nullable && schema.defaultValue == nil { continue }
                kept[name] = schema.pruneNode(value, path: childPath, isResource: false, into: &unknown)
            } else if preserveUnknownFields || additionalProperties == .allowed(true) {
                kept[name] = value
            } else {
                unknown.append(childPath)
            }
        }
        return kept
    }

    private static func pruneMetadata(_ value: JSON, path: String, into unknown: inout [String]) -> JSON {
        guard case .object(let members) = value else { return value }
        var kept: [String: JSON] = [:]
        for (name, v) in members {
            if objectMetaFields.contains(name) { kept[name] = v } else { unknown.append(FieldPath.child(path, name)) }
        }
        return .object(kept)
    }
}
