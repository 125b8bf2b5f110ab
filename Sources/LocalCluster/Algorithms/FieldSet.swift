import DozeJSON

/// One step of a field path in server-side apply's field sets: a struct/map field (`f:`), a
/// list element by its keys (`k:`), a set element by its value (`v:`), or an atomic position
/// (`i:`). Stored as its FieldsV1 key, so sets of paths hash strings rather than JSON trees.
struct PathElement: Hashable, Sendable, Comparable {
    /// The FieldsV1 key: `f:name`, `k:{"name":"app"}`, `v:"x"`, `i:0`.
    let fieldsV1Key: String

    enum Decoded {
        case field(String)
        case key(JSON)      // an object of the list-map key fields, e.g. {"name":"app"}
        case value(JSON)
        case index(Int)
    }

    private init(_ key: String) { fieldsV1Key = key }

    static func field(_ name: String) -> PathElement { PathElement("f:" + name) }
    static func key(_ key: JSON) -> PathElement { PathElement("k:" + key.serialized()) }
    static func value(_ value: JSON) -> PathElement { PathElement("v:" + value.serialized()) }
    static func index(_ i: Int) -> PathElement { PathElement("i:\(i)") }

    init?(fieldsV1Key key: String) {
        guard ["f:", "k:", "v:", "i:"].contains(key.prefix(2)) else { return nil }
        self.init(key)
        if case .index(-1) = decoded, key != "i:-1" { return nil }
    }

    var isField: Bool { fieldsV1Key.hasPrefix("f:") }

    var decoded: Decoded {
        let body = String(fieldsV1Key.dropFirst(2))
        switch fieldsV1Key.prefix(2) {
        case "f:": return .field(body)
        case "k:": return .key((try? JSON(parsing: body)) ?? .null)
        case "v:": return .value((try? JSON(parsing: body)) ?? .null)
        default: return .index(Int(body) ?? -1)
        }
    }

    /// As conflict messages print it: `.spec`, `[name="app"]`, `[="x"]`, `[0]`.
    var pathString: String {
        switch decoded {
        case .field(let n): return "." + n
        case .key(let k):
            let members = (k.object ?? [:]).sorted { $0.key < $1.key }
            return "[" + members.map { "\($0.key)=\($0.value.serialized())" }.joined(separator: ",") + "]"
        case .value(let v): return "[=\(v.serialized())]"
        case .index(let i): return "[\(i)]"
        }
    }

    static func < (a: PathElement, b: PathElement) -> Bool { a.fieldsV1Key < b.fieldsV1Key }
}

typealias FieldPathSteps = [PathElement]

/// A set of owned fields: every member is a path to a leaf (scalar, atomic list, empty map) or
/// to a list element, as structured-merge-diff records them. Parent maps are implied.
struct FieldSet: Equatable, Sendable {
    var paths: Set<FieldPathSteps> = []
    /// For a set taken from an object: the value at each leaf, so comparisons need no lookups.
    private(set) var leafValues: [FieldPathSteps: JSON]?

    init(_ paths: Set<FieldPathSteps> = []) { self.paths = paths }

    init(paths: Set<FieldPathSteps>, leafValues: [FieldPathSteps: JSON]) {
        self.paths = paths
        self.leafValues = leafValues
    }

    static func == (a: FieldSet, b: FieldSet) -> Bool { a.paths == b.paths }

    var isEmpty: Bool { paths.isEmpty }

    /// The members nothing else in the set extends: scalars, atomic values, and list elements
    /// owned whole. Only these have a value to compare (an element with owned fields inside it
    /// is not itself "changed" when one of them changes).
    var leaves: Set<FieldPathSteps> {
        if let leafValues { return Set(leafValues.keys) }
        var inner: Set<FieldPathSteps> = []
        for path in paths where path.count > 1 {
            for n in 1..<path.count { inner.insert(Array(path.prefix(n))) }
        }
        return paths.subtracting(inner)
    }

    static func pathString(_ path: FieldPathSteps) -> String { path.map(\.pathString).joined() }

    /// The FieldsV1 JSON tree: `{"f:spec":{"f:replicas":{}}}`; a member with children gets `".": {}`.
    var fieldsV1: JSON {
        var root = Node()
        for path in paths { root.insert(path[...]) }
        return root.json
    }

    init(fieldsV1 json: JSON) {
        var paths: Set<FieldPathSteps> = []
        Self.collect(json, prefix: [], into: &paths)
        self.paths = paths
    }

    private static func collect(_ json: JSON, prefix: FieldPathSteps, into paths: inout Set<FieldPathSteps>) {
        guard case .object(let members) = json else { return }
        if members.isEmpty && !prefix.isEmpty { paths.insert(prefix); return }
        for (key, child) in members {
            if key == "." { paths.insert(prefix); continue }
            guard let element = PathElement(fieldsV1Key: key) else { continue }
            collect(child, prefix: prefix + [element], into: &paths)
        }
    }

    private struct Node {
        var isMember = false
        var children: [PathElement: Node] = [:]

        mutating func insert(_ path: ArraySlice<PathElement>) {
            guard let first = path.first else { isMember = true; return }
            children[first, default: Node()].insert(path.dropFirst())
        }

        var json: JSON {
            var o: [String: JSON] = [:]
            for (element, child) in children { o[element.fieldsV1Key] = child.json }
            if isMember && !children.isEmpty { o["."] = .emptyObject }
            return .object(o)
        }
    }
}
