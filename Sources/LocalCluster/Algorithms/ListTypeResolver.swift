import DozeJSON

/// Tells server-side apply how each list of an object merges: the built-in tables for
/// built-in kinds, the CRD schema's `x-kubernetes-list-type`/`-list-map-keys` for custom
/// resources (lists are atomic when there is no schema or no list type, as upstream defaults).
struct ListTypeResolver: Sendable {
    let kind: String
    let schema: StructuralSchema?

    func strategy(_ path: [String]) -> ListMerge {
        if BuiltinListTypes.kinds.contains(kind) { return BuiltinListTypes.strategy(kind: kind, path: path) }
        if path.count == 2 && path[0] == "metadata" {
            if path[1] == "finalizers" { return .set }
            if path[1] == "ownerReferences" { return .map(smpKey: "uid", ssaKeys: ["uid"]) }
        }
        guard let node = schemaNode(path) else { return .atomic }
        switch node.listType {
        case "set": return .set
        case "map" where !node.listMapKeys.isEmpty: return .map(smpKey: node.listMapKeys[0], ssaKeys: node.listMapKeys)
        default: return .atomic
        }
    }

    /// Whether a map is owned as a whole (built-in atomic structs, `x-kubernetes-map-type: atomic`).
    func isAtomicMap(_ path: [String]) -> Bool {
        if BuiltinListTypes.kinds.contains(kind) { return BuiltinListTypes.isAtomicMap(kind: kind, path: path) }
        guard let node = schemaNode(path) else { return false }
        return node.mapType == "atomic"
    }

    private func schemaNode(_ path: [String]) -> StructuralSchema? {
        guard var node = schema else { return nil }
        for name in path {
            var next = node.child(name)
            // A list's element schema: walk through `items` transparently (paths carry no indices).
            if next == nil, let items = node.items { next = items.child(name) }
            guard let n = next else { return nil }
            node = n
        }
        return node
    }

    /// The key object of a list-map element: its key fields, with defaults kube-apiserver
    /// would fill (`protocol: TCP`), so applied and live elements match.
    func key(of element: JSON, keys: [String]) -> JSON? {
        var k: [String: JSON] = [:]
        for name in keys {
            if let v = element.object?[name], !v.isNull {
                k[name] = v
            } else if let d = BuiltinListTypes.defaultKeyValue(name), BuiltinListTypes.kinds.contains(kind) {
                k[name] = d
            } else {
                return nil
            }
        }
        return .object(k)
    }
}
