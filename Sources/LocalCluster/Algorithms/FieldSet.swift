import DozeJSON

/// One step of a field path in server-side apply's field sets: a struct/map field (`f:`), a
/// list element by its keys (`k:`), a set element by its value (`v:`), or an atomic position (`i:`).
enum PathElement: Hashable, Sendable, Comparable {
    case field(String)
    case key(JSON)      // an object of the list-map key fields, e.g. {"name":"app"}
    case value(JSON)
    case index(Int)

    /// The FieldsV1 key: `f:name`, `k:{"name":"app"}`, `v:"x"`, `i:0`.
    var fieldsV1Key: String {
        switch self {
        case .field(let n): return "f:" + n
        case .key(let k): return "k:" + k.serialized()
        case .value(let v): return "v:" + v.serialized()
        case .index(let i): return "i:\(i)"
        }
    }

    init?(fieldsV1Key key: String) {
        let body = String(key.dropFirst(2))
        switch key.prefix(2) {
        case "f:": self = .field(body)
        case "k:": guard let k = try? JSON(parsing: body) else { return nil }; self = .key(k)
        case "v:": guard let v = try? JSON(parsing: body) else { return nil }; self = .value(v)
        case "i:": guard let i = Int(body) else { return nil }; self = .index(i)
        default: return nil
        }
    }

    /// As conflict messages print it: `.spec`, `[name="app"]`, `[="x"]`, `[0]`.
    var pathString: String {
        switch self {
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

    init(_ paths: Set<FieldPathSteps> = []) { self.paths = paths }

    var isEmpty: Bool { paths.isEmpty }

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
