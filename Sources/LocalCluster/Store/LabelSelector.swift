import DozeJSON

/// A parsed label selector (`app=web,tier!=db,env in (a,b),!legacy`); all requirements must hold.
public struct LabelSelector: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) { self.requirements = requirements }

    /// Matches everything.
    public static let everything = LabelSelector()

    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            switch r {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .in(let k, let vs): return labels[k].map(vs.contains) ?? false
            case .notIn(let k, let vs): return labels[k].map { !vs.contains($0) } ?? true
            case .exists(let k): return labels[k] != nil
            case .doesNotExist(let k): return labels[k] == nil
            }
        }
    }

    /// Matches an object's `metadata.labels`.
    public func matches(object: JSON) -> Bool {
        if requirements.isEmpty { return true }
        let labels = (object["metadata"]["labels"].object ?? [:]).compactMapValues(\.string)
        return matches(labels)
    }

    /// Parses the query-string form. Errors are 400 BadRequest, as kube-apiserver answers.
    public init(parsing text: String) throws(APIError) {
        var reqs: [Requirement] = []
        for term in Self.splitTerms(text) {
            let t = term.trimmingSpaces()
            if t.isEmpty { continue }
            guard let r = Self.requirement(t) else {
                throw .badRequest("unable to parse requirement: found '\(t)', expected: in, notin, =, ==, !=, gt, lt")
            }
            reqs.append(r)
        }
        requirements = reqs
    }

    /// Builds one from a `metav1.LabelSelector` object (`matchLabels`, `matchExpressions`).
    public init(object: JSON) {
        var reqs: [Requirement] = []
        for (k, v) in (object["matchLabels"].object ?? [:]).sorted(by: { $0.key < $1.key }) {
            reqs.append(.equals(k, v.string ?? ""))
        }
        for e in object["matchExpressions"].array ?? [] {
            let key = e["key"].string ?? ""
            let values = Set((e["values"].array ?? []).compactMap(\.string))
            switch e["operator"].string {
            case "In": reqs.append(.in(key, values))
            case "NotIn": reqs.append(.notIn(key, values))
            case "Exists": reqs.append(.exists(key))
            case "DoesNotExist": reqs.append(.doesNotExist(key))
            default: break
            }
        }
        requirements = reqs
    }

    /// Splits on commas outside parentheses.
    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = [], current = "", depth = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == ",", depth == 0 { terms.append(current); current = "" } else { current.append(c) }
        }
        terms.append(current)
        return terms
    }

    private static func requirement(_ t: String) -> Requirement? {
        if t.hasPrefix("!") {
            let k = String(t.dropFirst()).trimmingSpaces()
            return validKey(k) ? .doesNotExist(k) : nil
        }
        for (op, make) in [("==", Requirement.equals), ("!=", Requirement.notEquals), ("=", Requirement.equals)] {
            if let r = t.range(of: op) {
                let k = String(t[..<r.lowerBound]).trimmingSpaces()
                let v = String(t[r.upperBound...]).trimmingSpaces()
                return validKey(k) && !v.contains(" ") ? make(k, v) : nil
            }
        }
        for (op, isIn) in [(" notin ", false), (" in ", true)] {
            if let r = t.range(of: op) {
                let k = String(t[..<r.lowerBound]).trimmingSpaces()
                let rest = String(t[r.upperBound...]).trimmingSpaces()
                guard validKey(k), rest.hasPrefix("("), rest.hasSuffix(")") else { return nil }
                let vs = Set(rest.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces() })
                return isIn ? .in(k, vs) : .notIn(k, vs)
            }
        }
        return validKey(t) ? .exists(t) : nil
    }

    private static func validKey(_ k: String) -> Bool {
        !k.isEmpty && k.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
