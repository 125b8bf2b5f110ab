import DozeJSON

/// The merge of an applied configuration into a live object, list-type aware, with
/// structured-merge-diff's ordering of merged lists: the applied order wins for the elements
/// the applier sets, and elements only the live list has stay where they were.
struct ApplyMerge {
    let fields: ObjectFields

    struct Untypable: Error { let problem: String }

    /// `at` is the printed path so far (`.spec.template.spec.containers[name="app"]`), for errors.
    func merge(_ live: JSON, _ applied: JSON, names: [String], at: String) throws(Untypable) -> JSON {
        switch (live, applied) {
        case (.object(var result), .object(let intent)) where !fields.resolver.isAtomicMap(names):
            for (name, value) in intent {
                // Merging into an empty value of the same shape still checks list-map keys.
                let existing = result[name] ?? (value.array != nil ? .array([]) : value.object != nil ? .emptyObject : .null)
                result[name] = try merge(existing, value, names: names + [name], at: at + "." + name)
            }
            return .object(result)
        case (.array(let lhs), .array(let rhs)):
            switch fields.resolver.strategy(names) {
            case .atomic:
                return applied
            case .set:
                return .array(try interleave(lhs, lhs, rhs, rhs) { l, r throws(Untypable) in r })
            case .map(_, let keys):
                let lKeys = lhs.map { fields.resolver.key(of: $0, keys: keys) ?? .null }
                var rKeys: [JSON] = []
                for (i, item) in rhs.enumerated() {
                    guard let key = fields.resolver.key(of: item, keys: keys) else {
                        let missing = keys.first { item[$0].isNull } ?? keys[0]
                        throw Untypable(problem: "\(at): element \(i): associative list with keys has an element that omits key field \(JSON.goQuote(missing)) (and doesn't have default value)")
                    }
                    if rKeys.contains(key) {
                        throw Untypable(problem: "\(at): duplicate entries for key \(PathElement.key(key).pathString)")
                    }
                    rKeys.append(key)
                }
                return .array(try interleave(lhs, lKeys, rhs, rKeys) { l, r throws(Untypable) in
                    let key = fields.resolver.key(of: r, keys: keys) ?? .null
                    return try merge(l ?? .emptyObject, r, names: names, at: at + PathElement.key(key).pathString)
                })
            }
        default:
            return applied
        }
    }

    /// Merges two lists of identified elements the way structured-merge-diff does: walk both,
    /// keeping live-only elements in place and taking shared and new elements in applied order.
    private func interleave(
        _ lhs: [JSON], _ lKeys: [JSON], _ rhs: [JSON], _ rKeys: [JSON],
        combine: (JSON?, JSON) throws(Untypable) -> JSON
    ) throws(Untypable) -> [JSON] {
        let rSet = Set(rKeys), lSet = Set(lKeys)
        var shared = rKeys.filter { lSet.contains($0) }[...]
        var nextShared = shared.popFirst()
        var merged: Set<JSON> = []
        var out: [JSON] = []
        var l = 0, r = 0
        while l < lhs.count || r < rhs.count {
            if l < lhs.count && r < rhs.count {
                if lKeys[l] == rKeys[r] {
                    out.append(try combine(lhs[l], rhs[r]))
                    merged.insert(rKeys[r])
                    l += 1; r += 1
                    nextShared = shared.popFirst()
                    continue
                }
                if rSet.contains(lKeys[l]), let next = nextShared, next != lKeys[l] { l += 1; continue }
            }
            if l < lhs.count {
                if !rSet.contains(lKeys[l]) { out.append(lhs[l]); l += 1; continue }
                if merged.contains(lKeys[l]) { l += 1; continue }
            }
            if r < rhs.count {
                let key = rKeys[r]
                merged.insert(key)
                let live = lKeys.firstIndex(of: key).map { lhs[$0] }
                out.append(try combine(live, rhs[r]))
                r += 1
                if nextShared == key { nextShared = shared.popFirst() }
            }
        }
        return out
    }
}
