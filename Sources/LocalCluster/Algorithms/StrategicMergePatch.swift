import DozeJSON

/// Strategic merge patch, the patch type kubectl sends for built-in kinds (`kubectl patch`
/// default, client-side `kubectl apply`): a JSON merge patch in which lists with a merge
/// strategy are merged element by element on their merge key (see `BuiltinListTypes`) instead
/// of being replaced, plus the directives `$patch` (`replace`, `merge`, `delete`),
/// `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
///
/// Simplified against kube-apiserver: `$retainKeys` is honoured wherever it appears (upstream
/// only generates it for fields tagged `retainKeys`, so well-formed patches behave the same).
public enum StrategicMergePatch {
    /// Whether strategic merge patch is served for `kind`. kube-apiserver answers 415
    /// UnsupportedMediaType for custom resources, which have no Go struct tags to merge by.
    public static func supports(kind: String) -> Bool {
        BuiltinListTypes.kinds.contains(kind)
    }

    public static func apply(_ patch: JSON, to original: JSON, kind: String) throws(PatchError) -> JSON {
        guard case .object(let patchMembers) = patch else { throw .badRequest("invalid JSON document") }
        let merger = StrategicMerger(kind: kind)
        return .object(try merger.mergeMap(original.object ?? [:], patchMembers, path: []))
    }
}

/// The recursive merge, parameterised by the kind whose list strategies apply.
struct StrategicMerger {
    let kind: String

    static let directive = "$patch"
    static let retainKeys = "$retainKeys"
    static let deleteFromPrimitiveList = "$deleteFromPrimitiveList/"
    static let setElementOrder = "$setElementOrder/"

    func mergeMap(_ original: [String: JSON], _ patch: [String: JSON], path: [String]) throws(PatchError) -> [String: JSON] {
        var patch = patch
        if let d = patch.removeValue(forKey: Self.directive) {
            switch d.string {
            case "replace": return try mergeMap([:], patch, path: path)
            case "delete": return [:]
            case "merge": break
            default: throw .plain("unknown patch type: \(d.serialized()) in map: \(JSON.object(patch).serialized())")
            }
        }
        var result = original
        if let retain = patch.removeValue(forKey: Self.retainKeys) {
            result = try retained(result, patch: patch, retain: retain)
        }
        var orders: [(field: String, order: [JSON], live: [JSON])] = []
        for (key, value) in patch where key.hasPrefix("$") {
            if key.hasPrefix(Self.deleteFromPrimitiveList) {
                let field = String(key.dropFirst(Self.deleteFromPrimitiveList.count))
                guard case .array(let doomed) = value else { throw .badRequest("invalid patch format of primitive list") }
                if case .array(let items) = result[field] {
                    result[field] = .array(items.filter { item in !doomed.contains { $0.jsonEquals(item) } })
                }
                patch.removeValue(forKey: key)
            } else if key.hasPrefix(Self.setElementOrder) {
                guard case .array(let order) = value else { throw .badRequest("invalid patch format of setElementOrder list") }
                let field = String(key.dropFirst(Self.setElementOrder.count))
                try checkOrder(order, covers: patch[field]?.array ?? [], path: path + [field])
                orders.append((field, order, original[field]?.array ?? []))
                patch.removeValue(forKey: key)
            }
        }
        for (key, value) in patch {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = try mergeValue(result[key], value, path: path + [key])
            }
        }
        for (field, order, live) in orders {
            if case .array(let items) = result[field] {
                result[field] = .array(reorder(items, by: order, live: live, path: path + [field]))
            }
        }
        return result
    }

    private func mergeValue(_ original: JSON?, _ patch: JSON, path: [String]) throws(PatchError) -> JSON {
        switch (original, patch) {
        case (.object(let o)?, .object(let p)):
            return .object(try mergeMap(o, p, path: path))
        case (.array(let o)?, .array(let p)):
            return .array(try mergeList(o, p, path: path))
        case (_, .object(let p)):
            return .object(try mergeMap([:], p, path: path))  // strips directives from new content
        case (_, .array(let p)):
            return .array(try mergeList([], p, path: path))
        default:
            return patch
        }
    }

    /// `$retainKeys`: keys of the original not listed are cleared; every key the patch sets must
    /// be listed.
    private func retained(_ original: [String: JSON], patch: [String: JSON], retain: JSON) throws(PatchError) -> [String: JSON] {
        guard case .array(let list) = retain else { throw .badRequest("invalid patch format of retainKeys") }
        let keys = Set(list.compactMap(\.string))
        guard keys.count == list.count else { throw .badRequest("invalid patch format of retainKeys") }
        for (key, value) in patch where !key.hasPrefix("$") && !value.isNull && !keys.contains(key) {
            throw .unprocessable("patch content doesn't match retainKeys list")
        }
        return original.filter { keys.contains($0.key) }
    }
}
