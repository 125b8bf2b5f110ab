import DozeJSON

/// Evaluates a parsed CEL expression over JSON values; any error means "not evaluated".
struct CELEvaluator {
    typealias Node = CELExpression.Node
    struct Failure: Error {}
    var scope: [String: JSON]

    func eval(_ node: Node) throws(Failure) -> JSON {
        switch node {
        case .literal(let v): return v
        case .list(let items): return .array(try items.map { (n) throws(Failure) in try eval(n) })
        case .ident(let name): guard let v = scope[name] else { throw Failure() }; return v
        case .select(let target, let name):
            guard case .object(let o) = try eval(target), let v = o[name] else { throw Failure() }
            return v
        case .index(let target, let index):
            switch (try eval(target), try eval(index)) {
            case (.array(let a), .int(let i)) where a.indices.contains(Int(i)): return a[Int(i)]
            case (.object(let o), .string(let k)): guard let v = o[k] else { throw Failure() }; return v
            default: throw Failure()
            }
        case .unary("!", let operand):
            guard case .bool(let b) = try eval(operand) else { throw Failure() }
            return .bool(!b)
        case .unary(_, let operand):
            switch try eval(operand) {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            default: throw Failure()
            }
        case .binary(let op, let l, let r): return try binary(op, l, r)
        case .conditional(let c, let a, let b):
            guard case .bool(let cond) = try eval(c) else { throw Failure() }
            return try eval(cond ? a : b)
        case .call(let name, let target, let args): return try call(name, target: target, args: args)
        case .comprehension(let kind, let target, let variable, let body):
            return try comprehension(kind, target: target, variable: variable, body: body)
        }
    }

    private func binary(_ op: String, _ l: Node, _ r: Node) throws(Failure) -> JSON {
        if op == "&&" || op == "||" {
            // CEL's commutative logic: an error on one side is absorbed if the other decides.
            let a = try? eval(l), b = try? eval(r)
            let decisive = op == "||"
            if a == .bool(decisive) || b == .bool(decisive) { return .bool(decisive) }
            guard case .bool? = a, case .bool? = b else { throw Failure() }
            return .bool(!decisive)
        }
        let a = try eval(l), b = try eval(r)
        switch op {
        case "==": return .bool(a.jsonEquals(b))
        case "!=": return .bool(!a.jsonEquals(b))
        case "in":
            switch b {
            case .array(let items): return .bool(items.contains { $0.jsonEquals(a) })
            case .object(let o): guard let k = a.string else { throw Failure() }; return .bool(o[k] != nil)
            default: throw Failure()
            }
        case "<", "<=", ">", ">=": return .bool(try compare(op, a, b))
        default: return try arithmetic(op, a, b)
        }
    }

    private func compare(_ op: String, _ a: JSON, _ b: JSON) throws(Failure) -> Bool {
        let ordering: Int
        if let x = a.string, let y = b.string {
            ordering = x < y ? -1 : (x == y ? 0 : 1)
        } else if case .int = a, case .int = b, let x = a.int, let y = b.int {
            ordering = x < y ? -1 : (x == y ? 0 : 1)
        } else if let x = a.double, let y = b.double {
            ordering = x < y ? -1 : (x == y ? 0 : 1)
        } else {
            throw Failure()
        }
        switch op {
        case "<": return ordering < 0
        case "<=": return ordering <= 0
        case ">": return ordering > 0
        default: return ordering >= 0
        }
    }

    private func arithmetic(_ op: String, _ a: JSON, _ b: JSON) throws(Failure) -> JSON {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            switch op {
            case "+": return .int(x &+ y)
            case "-": return .int(x &- y)
            case "*": return .int(x &* y)
            case "/": guard y != 0 else { throw Failure() }; return .int(x / y)
            case "%": guard y != 0 else { throw Failure() }; return .int(x % y)
            default: throw Failure()
            }
        case (.double(let x), .double(let y)):
            switch op {
            case "+": return .double(x + y)
            case "-": return .double(x - y)
            case "*": return .double(x * y)
            case "/": return .double(x / y)
            default: throw Failure()
            }
        case (.string(let x), .string(let y)) where op == "+": return .string(x + y)
        case (.array(let x), .array(let y)) where op == "+": return .array(x + y)
        default: throw Failure()
        }
    }

    private func call(_ name: String, target: Node?, args: [Node]) throws(Failure) -> JSON {
        if name == "has", target == nil, args.count == 1, case .select(let object, let field) = args[0] {
            guard case .object(let o) = try eval(object) else { throw Failure() }
            return .bool(o[field] != nil)
        }
        let receiver: JSON? = try target.map { (n) throws(Failure) in try eval(n) }
        let values = try args.map { (n) throws(Failure) in try eval(n) }
        switch (name, receiver, values.count) {
        case ("string", nil, 1):
            switch values[0] {
            case .string: return values[0]
            case .int(let i): return .string(String(i))
            case .double(let d): return .string(String(d))
            case .bool(let b): return .string(b ? "true" : "false")
            default: throw Failure()
            }
        case ("int", nil, 1):
            switch values[0] {
            case .int: return values[0]
            case .double(let d) where d.isFinite: return .int(Int64(d))
            case .string(let t): guard let i = Int64(t) else { throw Failure() }; return .int(i)
            default: throw Failure()
            }
        case ("double", nil, 1):
            guard let d = values[0].double ?? values[0].string.flatMap(Double.init) else { throw Failure() }
            return .double(d)
        case ("size", nil, 1): return .int(Int64(try size(values[0])))
        case ("size", let r?, 0): return .int(Int64(try size(r)))
        case ("startsWith", .string(let s)?, 1): guard let p = values[0].string else { throw Failure() }; return .bool(s.hasPrefix(p))
        case ("endsWith", .string(let s)?, 1): guard let p = values[0].string else { throw Failure() }; return .bool(s.hasSuffix(p))
        case ("contains", .string(let s)?, 1): guard let p = values[0].string else { throw Failure() }; return .bool(p.isEmpty || s.contains(p))
        case ("matches", .string(let s)?, 1):
            guard let p = values[0].string, let regex = try? Regex(p) else { throw Failure() }
            return .bool(s.firstMatch(of: regex) != nil)
        default: throw Failure()
        }
    }

    private func size(_ v: JSON) throws(Failure) -> Int {
        switch v {
        case .string(let s): return s.unicodeScalars.count
        case .array(let a): return a.count
        case .object(let o): return o.count
        default: throw Failure()
        }
    }

    private func comprehension(_ kind: String, target: Node, variable: String, body: Node) throws(Failure) -> JSON {
        let elements: [JSON]
        switch try eval(target) {
        case .array(let a): elements = a
        case .object(let o): elements = o.keys.sorted().map(JSON.string)
        default: throw Failure()
        }
        var matches = 0
        for element in elements {
            var inner = self
            inner.scope[variable] = element
            guard case .bool(let b) = try inner.eval(body) else { throw Failure() }
            if b { matches += 1 }
        }
        switch kind {
        case "all": return .bool(matches == elements.count)
        case "exists": return .bool(matches > 0)
        default: return .bool(matches == 1)
        }
    }
}
