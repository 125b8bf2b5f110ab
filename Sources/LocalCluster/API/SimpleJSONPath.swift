import DozeJSON

/// The subset of kubectl's JSONPath that printer columns use: `.a.b`, `[0]`, `[*]`,
/// `['key.with.dots']` and filters such as `[?(@.type=="Ready")]`. Returns every match.
enum SimpleJSONPath {
    static func evaluate(_ path: String, in root: JSON) -> [JSON] {
        var p = Substring(path.trimmingSpaces())
        if p.hasPrefix("{"), p.hasSuffix("}") { p = p.dropFirst().dropLast() }
        if p.hasPrefix("$") { p = p.dropFirst() }
        var nodes = [root]
        while let c = p.first {
            if c == "." {
                p = p.dropFirst()
                let name = p.prefix { $0 != "." && $0 != "[" }
                p = p.dropFirst(name.count)
                if name.isEmpty { continue }
                nodes = nodes.compactMap { n -> JSON? in let v = n[String(name)]; return v.isNull ? Optional.none : v }
            } else if c == "[" {
                guard let close = closingBracket(p) else { return [] }
                let inner = String(p[p.index(after: p.startIndex)..<close])
                p = p[p.index(after: close)...]
                nodes = nodes.flatMap { select(inner, $0) }
            } else {
                // A path without a leading dot: `spec.replicas`.
                p = "." + p
            }
        }
        return nodes
    }

    private static func closingBracket(_ p: Substring) -> Substring.Index? {
        var depth = 0, quote: Character?
        for i in p.indices {
            let c = p[i]
            if let q = quote { if c == q { quote = nil }; continue }
            if c == "'" || c == "\"" { quote = c } else if c == "[" { depth += 1 } else if c == "]" {
                depth -= 1
                if depth == 0 { return i }
            }
        }
        return nil
    }

    private static func select(_ inner: String, _ node: JSON) -> [JSON] {
        let s = inner.trimmingSpaces()
        if s == "*" {
            if let a = node.array { return a }
            if let o = node.object { return o.keys.sorted().compactMap { o[$0] } }
            return []
        }
        if let i = Int(s) {
            guard let a = node.array else { return [] }
            let idx = i < 0 ? a.count + i : i
            return a.indices.contains(idx) ? [a[idx]] : []
        }
        if (s.hasPrefix("'") && s.hasSuffix("'")) || (s.hasPrefix("\"") && s.hasSuffix("\"")), s.count >= 2 {
            let v = node[String(s.dropFirst().dropLast())]
            return v.isNull ? [] : [v]
        }
        if s.hasPrefix("?(") && s.hasSuffix(")") {
            let cond = String(s.dropFirst(2).dropLast())
            return (node.array ?? []).filter { matches(cond, $0) }
        }
        return []
    }

    /// `@.field=="value"` (or `!=`), or `@.field` for existence.
    private static func matches(_ cond: String, _ item: JSON) -> Bool {
        for (op, negate) in [("==", false), ("!=", true)] {
            if let r = cond.range(of: op) {
                let lhs = String(cond[..<r.lowerBound]).trimmingSpaces()
                var rhs = String(cond[r.upperBound...]).trimmingSpaces()
                if rhs.count >= 2, rhs.first == "\"" || rhs.first == "'" { rhs = String(rhs.dropFirst().dropLast()) }
                let value = evaluate(String(lhs.dropFirst()), in: item).first
                let text = value.map { $0.string ?? $0.serialized() }
                return (text == rhs) != negate
            }
        }
        return !evaluate(String(cond.trimmingSpaces().dropFirst()), in: item).isEmpty
    }
}
