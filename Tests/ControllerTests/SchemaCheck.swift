import DozeJSON
import Foundation

/// Just enough of the API server's OpenAPI v3 validation to check the golden Apps against the CRD
/// (types, required, unknown fields, enum, pattern, bounds, list-map keys). Not the server's
/// algorithm — the local cluster implements that — but an independent reading of the same schema
/// that catches a CRD that would reject a documented example. CEL rules are not evaluated.
enum SchemaCheck {
    static func errors(_ value: JSON, _ schema: JSON, path: String = "") -> [String] {
        if schema["x-kubernetes-int-or-string"].bool == true {
            switch value {
            case .int: return []
            case .string(let s): return patternErrors(s, schema, path)
            default: return ["\(path): must be an integer or a string, not \(value.typeName)"]
            }
        }
        if schema["x-kubernetes-preserve-unknown-fields"].bool == true, schema["type"].isNull { return [] }
        switch (schema["type"].string, value) {
        case ("object", .object(let o)): return objectErrors(o, schema, path)
        case ("array", .array(let a)): return arrayErrors(a, schema, path)
        case ("string", .string(let s)): return stringErrors(s, schema, path)
        case ("integer", .int(let i)): return boundErrors(Double(i), schema, path)
        case ("number", .int), ("number", .double): return boundErrors(value.double!, schema, path)
        case ("boolean", .bool): return []
        default: return ["\(path): must be \(schema["type"].string ?? "?"), not \(value.typeName)"]
        }
    }

    private static func objectErrors(_ o: [String: JSON], _ schema: JSON, _ path: String) -> [String] {
        var errs: [String] = []
        for r in schema["required"].array ?? [] where o[r.string!] == nil { errs.append("\(path).\(r.string!): required") }
        if let max = schema["maxProperties"].int, o.count > max { errs.append("\(path): more than \(max) properties") }
        let props = schema["properties"].object
        let additional = schema["additionalProperties"]
        for key in o.keys.sorted() {
            let p = path.isEmpty ? key : "\(path).\(key)"
            if let sub = props?[key] { errs += errors(o[key]!, sub, path: p) }
            else if additional.object != nil { errs += errors(o[key]!, additional, path: p) }
            else if schema["x-kubernetes-preserve-unknown-fields"].bool != true, path != "metadata" {
                errs.append("\(p): field not declared in schema")
            }
        }
        return errs
    }

    private static func arrayErrors(_ a: [JSON], _ schema: JSON, _ path: String) -> [String] {
        var errs: [String] = []
        if let max = schema["maxItems"].int, a.count > max { errs.append("\(path): more than \(max) items") }
        for (i, item) in a.enumerated() { errs += errors(item, schema["items"], path: "\(path)[\(i)]") }
        if schema["x-kubernetes-list-type"].string == "map" {
            let keys = (schema["x-kubernetes-list-map-keys"].array ?? []).compactMap(\.string)
            let tuples = a.map { item in keys.map { item[$0].serialized() }.joined(separator: ",") }
            if Set(tuples).count != tuples.count { errs.append("\(path): duplicate entries for key \(keys)") }
        }
        return errs
    }

    private static func stringErrors(_ s: String, _ schema: JSON, _ path: String) -> [String] {
        var errs = patternErrors(s, schema, path)
        if let min = schema["minLength"].int, s.count < min { errs.append("\(path): shorter than \(min)") }
        if let max = schema["maxLength"].int, s.count > max { errs.append("\(path): longer than \(max)") }
        if let e = schema["enum"].array, !e.contains(.string(s)) { errs.append("\(path): \(s) not in enum") }
        return errs
    }

    static func patternErrors(_ s: String, _ schema: JSON, _ path: String) -> [String] {
        guard let pattern = schema["pattern"].string else { return [] }
        return matches(s, pattern) ? [] : ["\(path): \(JSON.string(s).serialized()) does not match \(pattern)"]
    }

    static func matches(_ s: String, _ pattern: String) -> Bool {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    private static func boundErrors(_ d: Double, _ schema: JSON, _ path: String) -> [String] {
        var errs: [String] = []
        if let min = schema["minimum"].double, d < min { errs.append("\(path): below \(min)") }
        if let max = schema["maximum"].double, d > max { errs.append("\(path): above \(max)") }
        return errs
    }

    /// Why the schema is not structural (the rules the API server enforces on create), one line
    /// per offending node; empty when it is.
    static func structuralProblems(_ schema: JSON, path: String = "") -> [String] {
        var out: [String] = []
        let intOrString = schema["x-kubernetes-int-or-string"].bool == true
        let preserve = schema["x-kubernetes-preserve-unknown-fields"].bool == true
        if schema["type"].string?.isEmpty ?? true, !intOrString, !preserve { out.append("\(path): no type") }
        if !schema["properties"].isNull, !schema["additionalProperties"].isNull {
            out.append("\(path): both properties and additionalProperties")
        }
        if schema["type"].string == "array", schema["items"].isNull { out.append("\(path): array without items") }
        for junctor in ["allOf", "anyOf", "oneOf", "not"] where !schema[junctor].isNull {
            out.append("\(path): \(junctor) (not used by this CRD; check its rules before adding one)")
        }
        for (key, sub) in (schema["properties"].object ?? [:]) { out += structuralProblems(sub, path: "\(path).\(key)") }
        if schema["additionalProperties"].object != nil {
            out += structuralProblems(schema["additionalProperties"], path: "\(path).*")
        }
        if schema["items"].object != nil { out += structuralProblems(schema["items"], path: "\(path)[]") }
        return out
    }

    /// Paths of schema nodes without a description (`kubectl explain` would show nothing).
    static func undescribed(_ schema: JSON, path: String) -> [String] {
        var out: [String] = schema["description"].string?.isEmpty == false ? [] : [path]
        for (key, sub) in (schema["properties"].object ?? [:]) { out += undescribed(sub, path: "\(path).\(key)") }
        if schema["additionalProperties"].object != nil { out += undescribed(schema["additionalProperties"], path: "\(path).*") }
        if schema["items"].object != nil { out += undescribed(schema["items"], path: "\(path)[]") }
        return out
    }
}
