import DozeJSON

/// The list half of strategic merge patch: merge lists by key, primitive sets by union,
/// everything else replaced.
extension StrategicMerger {
    func mergeList(_ original: [JSON], _ patch: [JSON], path: [String]) throws(PatchError) -> [JSON] {
        let strategy = BuiltinListTypes.strategy(kind: kind, path: path)
        if strategy == .atomic { return patch }
        // `{"$patch": "replace"}` as an element: the rest of the patch list is the new list.
        if patch.contains(where: { $0[Self.directive].string == "replace" }) {
            let rest = patch.filter { $0[Self.directive].string != "replace" }
            return try mergeList([], rest, path: path)
        }
        switch strategy {
        case .map(let key, _):
            var result = original
            for element in patch { result = try mergeElement(element, into: result, key: key, path: path) }
            return result
        case .set, .atomic:
            var result = original
            for item in patch where !result.contains(where: { $0.jsonEquals(item) }) { result.append(item) }
            return result
        }
    }

    private func mergeElement(_ element: JSON, into list: [JSON], key: String, path: [String]) throws(PatchError) -> [JSON] {
        guard case .object(var members) = element else {
            // A scalar in a keyed list: kube-apiserver merges it as a primitive.
            return list.contains { $0.jsonEquals(element) } ? list : list + [element]
        }
        let directive = members.removeValue(forKey: Self.directive)
        guard let keyValue = members[key], !keyValue.isNull else {
            throw .plain("map: \(goMap(element)) does not contain declared merge key: \(key)")
        }
        var list = list
        let index = list.firstIndex { $0[key].jsonEquals(keyValue) }
        switch directive?.string {
        case "delete":
            list.removeAll { $0[key].jsonEquals(keyValue) }
        case "merge":
            throw .plain("merging lists cannot yet be specified in the patch")
        case nil:
            if let index {
                list[index] = .object(try mergeMap(list[index].object ?? [:], members, path: path))
            } else {
                list.append(.object(try mergeMap([:], members, path: path)))
            }
        default:
            throw .plain("unknown patch type: \(directive!.serialized()) in map: \(goMap(element))")
        }
        return list
    }

    /// `$setElementOrder/<field>`, as upstream orders it: the elements the order lists, in its
    /// order, interleaved with the server-only elements, which keep their live order and go
    /// before a listed element that came after them in the live list.
    func reorder(_ items: [JSON], by order: [JSON], live: [JSON], path: [String]) -> [JSON] {
        let key: String? = if case .map(let k, _) = BuiltinListTypes.strategy(kind: kind, path: path) { k } else { nil }
        func index(_ item: JSON, in list: [JSON]) -> Int? {
            list.firstIndex { entry in key.map { entry[$0].jsonEquals(item[$0]) } ?? entry.jsonEquals(item) }
        }
        let listed = items.filter { index($0, in: order) != nil }.enumerated()
            .sorted { (index($0.element, in: order)!, $0.offset) < (index($1.element, in: order)!, $1.offset) }.map(\.element)
        let serverOnly = items.filter { index($0, in: order) == nil }.enumerated()
            .sorted { (index($0.element, in: live) ?? Int.max, $0.offset) < (index($1.element, in: live) ?? Int.max, $1.offset) }.map(\.element)
        var result: [JSON] = []
        var i = 0, j = 0
        while i < serverOnly.count || j < listed.count {
            if j >= listed.count {
                result.append(serverOnly[i]); i += 1
            } else if i < serverOnly.count, let li = index(serverOnly[i], in: live), let ri = index(listed[j], in: live), li < ri {
                result.append(serverOnly[i]); i += 1
            } else {
                result.append(listed[j]); j += 1
            }
        }
        return result
    }

    /// A `$setElementOrder` list must name every element the patch list sets (directives aside),
    /// in the same relative order; otherwise the patch is malformed (400), as upstream checks.
    func checkOrder(_ order: [JSON], covers patchList: [JSON], path: [String]) throws(PatchError) {
        let key: String? = if case .map(let k, _) = BuiltinListTypes.strategy(kind: kind, path: path) { k } else { nil }
        var last = -1
        for item in patchList where item[Self.directive].isNull {
            let at = order.firstIndex { entry in key.map { entry[$0].jsonEquals(item[$0]) } ?? entry.jsonEquals(item) }
            guard let at, at > last else { throw .badRequest("invalid patch format of setElementOrder list") }
            last = at
        }
    }

    /// Go's `%v` of a map, as upstream error texts print it: `map[image:x name:y]`.
    private func goMap(_ value: JSON) -> String {
        guard case .object(let o) = value else { return value.serialized() }
        return "map[" + o.keys.sorted().map { "\($0):\(o[$0]!.string ?? o[$0]!.serialized())" }.joined(separator: " ") + "]"
    }
}
