import DozeJSON

/// Defaulting as kube-apiserver does it for custom resources (on decode of a request and on
/// read from storage): a property with a `default` that is missing, or `null` without being
/// nullable, gets the default; then defaulting goes on inside every child, the new ones included.
extension StructuralSchema {
    public func applyDefaults(_ obj: JSON) -> JSON {
        defaultNode(obj, isRoot: true)
    }

    private func defaultNode(_ value: JSON, isRoot: Bool = false) -> JSON {
        switch value {
        case .object(var members):
            for (name, schema) in properties {
                guard let d = schema.defaultValue, !(isRoot && name == "metadata") else { continue }
                if let existing = members[name], !(existing.isNull && !schema.nullable) { continue }
                members[name] = d
            }
            for (name, child) in members {
                if isRoot && name == "metadata" { continue }
                guard let schema = self.child(name) else { continue }
                members[name] = schema.defaultNode(child)
            }
            return .object(members)
        case .array(let elements):
            guard let items else { return value }
            return .array(elements.map { items.defaultNode($0) })
        default:
            return value
        }
    }
}
