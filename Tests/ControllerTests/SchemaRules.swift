import DozeJSON

/// Defaulting and the CRD's `x-kubernetes-validations` rules, for tests. The rules are CEL, which
/// neither this package nor (yet) the local cluster evaluates, so each rule text maps to a Swift
/// translation; a rule without one fails the test, so a changed rule cannot go unchecked.
/// Rules see the object after defaulting, as on the API server — which is where a default can
/// break a rule (a schema default on a field a rule forbids).
enum SchemaRules {
    typealias Rule = @Sendable (JSON) -> Bool?

    static let translations: [String: Rule] = [
        "size(self.metadata.name) <= 63": { o in o[path: "metadata", "name"].string.map { $0.count <= 63 } },
        "has(self.name) != has(self.secretTemplate)": { v in v["name"].isNull != v["secretTemplate"].isNull },
        "has(self.name) || (!has(self.size) && !has(self.storageClassName) && !has(self.retain))": { v in
            !v["name"].isNull || (v["size"].isNull && v["storageClassName"].isNull && v["retain"].isNull)
        },
        // nil (a CEL evaluation error) when minReplicas is absent: the schema default must supply it.
        "!has(self.maxReplicas) || self.minReplicas <= self.maxReplicas": { s in
            if s["maxReplicas"].isNull { return true }
            guard let min = s["minReplicas"].int, let max = s["maxReplicas"].int else { return nil }
            return min <= max
        },
    ]

    /// The value with schema defaults applied, parents before children (so `default: {}` lets the
    /// nested defaults apply), as the API server defaults a stored object.
    static func defaulted(_ value: JSON, _ schema: JSON) -> JSON {
        switch value {
        case .object(var o):
            let additional = schema["additionalProperties"]
            for (key, sub) in schema["properties"].object ?? [:] where o[key] == nil && !sub["default"].isNull {
                o[key] = sub["default"]
            }
            for (key, child) in o {
                if let sub = schema["properties"].object?[key] { o[key] = defaulted(child, sub) }
                else if additional.object != nil { o[key] = defaulted(child, additional) }
            }
            return .object(o)
        case .array(let a):
            return .array(a.map { defaulted($0, schema["items"]) })
        default:
            return value
        }
    }

    /// Messages of the rules that fail (or cannot be evaluated) on the value, with their paths.
    static func failures(_ value: JSON, _ schema: JSON, path: String = "") -> [String] {
        var out: [String] = []
        for entry in schema["x-kubernetes-validations"].array ?? [] {
            let rule = entry["rule"].string ?? ""
            guard let check = translations[rule] else { out.append("\(path): no translation for rule \(rule)"); continue }
            switch check(value) {
            case true?: break
            case false?: out.append("\(path): \(entry["message"].string ?? rule)")
            case nil: out.append("\(path): rule \(rule) cannot be evaluated")
            }
        }
        switch value {
        case .object(let o):
            for (key, child) in o.sorted(by: { $0.key < $1.key }) {
                let p = path.isEmpty ? key : "\(path).\(key)"
                if let sub = schema["properties"].object?[key] { out += failures(child, sub, path: p) }
                else if schema["additionalProperties"].object != nil { out += failures(child, schema["additionalProperties"], path: p) }
            }
        case .array(let a):
            for (i, item) in a.enumerated() { out += failures(item, schema["items"], path: "\(path)[\(i)]") }
        default:
            break
        }
        return out
    }
}
