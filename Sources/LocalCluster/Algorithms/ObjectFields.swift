import DozeJSON

/// Field-level views of an object for server-side apply: the set of fields it sets, the value at
/// a field path, and removal of a field path.
struct ObjectFields {
    let resolver: ListTypeResolver

    /// Metadata kube-apiserver never records in managedFields.
    static let ignoredMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
    ]

    /// The fields `obj` sets, leaving out apiVersion, kind and the server-owned metadata, with
    /// the value at each leaf.
    func fieldSet(of obj: JSON) -> FieldSet {
        var c = Collector()
        guard case .object(let members) = obj else { return FieldSet() }
        for (name, value) in members where name != "apiVersion" && name != "kind" {
            if name == "metadata", case .object(var meta) = value {
                for ignored in Self.ignoredMetadata { meta.removeValue(forKey: ignored) }
                if meta.isEmpty { continue }
                collect(.object(meta), steps: [.field(name)], names: [name], into: &c)
            } else {
                collect(value, steps: [.field(name)], names: [name], into: &c)
            }
        }
        return FieldSet(paths: c.paths, leafValues: c.leaves)
    }

    private struct Collector {
        var paths: Set<FieldPathSteps> = []
        var leaves: [FieldPathSteps: JSON] = [:]

        mutating func leaf(_ path: FieldPathSteps, _ value: JSON) {
            paths.insert(path)
            leaves[path] = value
        }
    }

    private func collect(_ value: JSON, steps: FieldPathSteps, names: [String], into c: inout Collector) {
        switch value {
        case .object(let members) where !members.isEmpty && !resolver.isAtomicMap(names):
            for (name, child) in members where !child.isNull {
                collect(child, steps: steps + [.field(name)], names: names + [name], into: &c)
            }
        case .array(let items):
            switch resolver.strategy(names) {
            case .atomic:
                c.leaf(steps, value)
            case .set:
                if items.isEmpty { c.leaf(steps, value) }
                for item in items { c.leaf(steps + [.value(item)], item) }
            case .map(_, let keys):
                if items.isEmpty { c.leaf(steps, value) }
                for item in items {
                    guard let key = resolver.key(of: item, keys: keys) else { continue }
                    let itemSteps = steps + [.key(key)]
                    c.paths.insert(itemSteps)
                    collect(item, steps: itemSteps, names: names, into: &c)
                }
            }
        default:
            c.leaf(steps, value)
        }
    }

    /// The value a field path names in `obj`, nil when absent.
    func value(at path: FieldPathSteps, in obj: JSON) -> JSON? {
        var current = obj
        var names: [String] = []
        for step in path {
            switch step.decoded {
            case .field(let n):
                guard let next = current.object?[n] else { return nil }
                names.append(n)
                current = next
            case .key(let k):
                guard case .map(_, let keys) = resolver.strategy(names),
                      let item = current.array?.first(where: { resolver.key(of: $0, keys: keys) == k })
                else { return nil }
                current = item
            case .value(let v):
                guard current.array?.contains(where: { $0.jsonEquals(v) }) == true else { return nil }
                current = v
            case .index(let i):
                guard let a = current.array, a.indices.contains(i) else { return nil }
                current = a[i]
            }
        }
        return current
    }

    /// `obj` without the field at `path` (a no-op when it is absent).
    func removing(_ path: FieldPathSteps, from obj: JSON, names: [String] = []) -> JSON {
        guard let step = path.first else { return obj }
        let rest = Array(path.dropFirst())
        switch step.decoded {
        case .field(let n):
            guard case .object(var members) = obj, let child = members[n] else { return obj }
            if rest.isEmpty { members.removeValue(forKey: n) } else { members[n] = removing(rest, from: child, names: names + [n]) }
            return .object(members)
        case .key(let k):
            guard case .array(var items) = obj, case .map(_, let keys) = resolver.strategy(names),
                  let i = items.firstIndex(where: { resolver.key(of: $0, keys: keys) == k }) else { return obj }
            if rest.isEmpty { items.remove(at: i) } else { items[i] = removing(rest, from: items[i], names: names) }
            return .array(items)
        case .value(let v):
            guard case .array(let items) = obj else { return obj }
            return .array(items.filter { !$0.jsonEquals(v) })
        case .index(let i):
            guard case .array(var items) = obj, items.indices.contains(i) else { return obj }
            if rest.isEmpty { items.remove(at: i) } else { items[i] = removing(rest, from: items[i], names: names) }
            return .array(items)
        }
    }
}
