import DozeJSON

/// JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy` and `test`, applied in
/// order; the whole patch fails if one operation fails. Array indices may be negative (from the
/// end), as in the json-patch library kube-apiserver uses.
///
/// Errors follow kube-apiserver: a body that is not an array of objects is 400; an operation that
/// cannot be applied (failed `test`, missing path, bad index, unknown op) is 422 `Invalid` with the
/// generic message, the library text kept in `PatchError.detail`; more than 10000 operations is 413
/// upstream and is left to the handler (it knows the request size limits).
public enum JSONPatch {
    public static func apply(_ ops: JSON, to document: JSON) throws(PatchError) -> JSON {
        guard case .array(let operations) = ops else {
            throw .badRequest("json: cannot unmarshal \(ops.typeName) into Go value of type jsonpatch.Patch")
        }
        var doc = document
        for op in operations {
            guard case .object = op else {
                throw .badRequest("json: cannot unmarshal \(op.typeName) into Go value of type jsonpatch.Operation")
            }
            doc = try applyOne(op, to: doc)
        }
        return doc
    }

    private static func applyOne(_ op: JSON, to doc: JSON) throws(PatchError) -> JSON {
        let name = op["op"].string ?? ""
        let pathText = op["path"].string
        switch name {
        case "add":
            let path = try pointer(pathText, op: name)
            return try add(try value(of: op, op: name), at: path, in: doc, op: name)
        case "remove":
            return try remove(at: try pointer(pathText, op: name), in: doc)
        case "replace":
            let path = try pointer(pathText, op: name)
            guard path.resolve(in: doc) != nil else {
                throw .unprocessable("replace operation does not apply: doc is missing key: \(path.text): missing value")
            }
            return try set(try value(of: op, op: name), at: path.tokens[...], in: doc, path: path)
        case "move":
            let from = try pointer(op["from"].string, op: name, field: "from")
            let path = try pointer(pathText, op: name)
            guard let moved = from.resolve(in: doc) else {
                throw .unprocessable("move operation does not apply: doc is missing from path: \(from.text): missing value")
            }
            if from == path { return doc }
            if from.isProperPrefix(of: path) {
                throw .unprocessable("move operation does not apply: path \(path.text) is a child of from \(from.text)")
            }
            return try add(moved, at: path, in: try remove(at: from, in: doc), op: name)
        case "copy":
            let from = try pointer(op["from"].string, op: name, field: "from")
            let path = try pointer(pathText, op: name)
            guard let copied = from.resolve(in: doc) else {
                throw .unprocessable("copy operation does not apply: doc is missing from path: \(from.text): missing value")
            }
            return try add(copied, at: path, in: doc, op: name)
        case "test":
            let path = try pointer(pathText, op: name)
            let expected = try value(of: op, op: name)
            let actual = path.resolve(in: doc) ?? .null
            guard actual.jsonEquals(expected) else {
                throw .unprocessable("testing value \(path.text) failed: test failed")
            }
            return doc
        default:
            throw .unprocessable("Unexpected kind: \(name)")
        }
    }

    private static func pointer(_ text: String?, op: String, field: String = "path") throws(PatchError) -> JSONPointer {
        guard let text else { throw .unprocessable("\(op) operation missing \(field) field") }
        return try JSONPointer(text)
    }

    /// The `value` member; an explicit `null` is a value, a missing member is an error.
    private static func value(of op: JSON, op name: String) throws(PatchError) -> JSON {
        guard let v = op.object?["value"] else { throw .unprocessable("\(name) operation missing value field") }
        return v
    }

    private static func add(_ value: JSON, at path: JSONPointer, in doc: JSON, op: String) throws(PatchError) -> JSON {
        guard let parentPointer = path.parent, let last = path.tokens.last else { return value }
        guard let parent = parentPointer.resolve(in: doc) else {
            throw .unprocessable("\(op) operation does not apply: doc is missing path: \"\(path.text)\": missing value")
        }
        let updated: JSON
        switch parent {
        case .object(var members):
            members[last] = value
            updated = .object(members)
        case .array(var items):
            if last == "-" {
                items.append(value)
            } else if let i = JSONPointer.arrayIndex(last, count: items.count, allowEnd: true) {
                items.insert(value, at: i)
            } else {
                throw .unprocessable("Unable to access invalid index: \(last): invalid index referenced")
            }
            updated = .array(items)
        default:
            throw .unprocessable("\(op) operation does not apply: doc is missing path: \"\(path.text)\": missing value")
        }
        return try set(updated, at: parentPointer.tokens[...], in: doc, path: path)
    }

    private static func remove(at path: JSONPointer, in doc: JSON) throws(PatchError) -> JSON {
        guard let parentPointer = path.parent, let last = path.tokens.last,
              let parent = parentPointer.resolve(in: doc)
        else { throw .unprocessable("remove operation does not apply: doc is missing path: \"\(path.text)\": missing value") }
        guard path.resolve(in: doc) != nil else {
            throw .unprocessable("Unable to remove nonexistent key: \(last): missing value")
        }
        let updated: JSON
        switch parent {
        case .object(var members):
            members.removeValue(forKey: last)
            updated = .object(members)
        case .array(var items):
            items.remove(at: JSONPointer.arrayIndex(last, count: items.count)!)  // resolve() checked the index
            updated = .array(items)
        default:
            throw .unprocessable("Unable to remove nonexistent key: \(last): missing value")
        }
        return try set(updated, at: parentPointer.tokens[...], in: doc, path: path)
    }

    /// Replaces the existing value at `tokens` (every step must exist).
    private static func set(_ value: JSON, at tokens: ArraySlice<String>, in doc: JSON, path: JSONPointer) throws(PatchError) -> JSON {
        guard let first = tokens.first else { return value }
        switch doc {
        case .object(var members):
            guard let child = members[first] else {
                throw .unprocessable("doc is missing key: \(path.text): missing value")
            }
            members[first] = try set(value, at: tokens.dropFirst(), in: child, path: path)
            return .object(members)
        case .array(var items):
            guard let i = JSONPointer.arrayIndex(first, count: items.count) else {
                throw .unprocessable("Unable to access invalid index: \(first): invalid index referenced")
            }
            items[i] = try set(value, at: tokens.dropFirst(), in: items[i], path: path)
            return .array(items)
        default:
            throw .unprocessable("doc is missing key: \(path.text): missing value")
        }
    }
}
