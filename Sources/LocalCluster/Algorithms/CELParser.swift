import DozeJSON

/// A precedence-climbing parser for the CEL subset (see `CELExpression`).
struct CELParser {
    typealias Node = CELExpression.Node
    typealias Failure = CELExpression.Unsupported
    let tokens: [CELToken]
    var pos = 0

    init(tokens: [CELToken]) { self.tokens = tokens }

    var atEnd: Bool { pos == tokens.count }
    private var peek: CELToken? { pos < tokens.count ? tokens[pos] : nil }

    private mutating func accept(_ op: String) -> Bool {
        if peek == .op(op) { pos += 1; return true }
        return false
    }

    private mutating func expect(_ op: String) throws(Failure) {
        guard accept(op) else { throw Failure() }
    }

    mutating func parseExpression() throws(Failure) -> Node {
        let condition = try parseBinary(level: 0)
        guard accept("?") else { return condition }
        let then = try parseExpression()
        try expect(":")
        return .conditional(condition, then, try parseExpression())
    }

    private static let levels: [[String]] = [["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "in"], ["+", "-"], ["*", "/", "%"]]

    private mutating func parseBinary(level: Int) throws(Failure) -> Node {
        guard level < Self.levels.count else { return try parseUnary() }
        var left = try parseBinary(level: level + 1)
        while let op = currentOperator(in: Self.levels[level]) {
            pos += 1
            left = .binary(op, left, try parseBinary(level: level + 1))
        }
        return left
    }

    private func currentOperator(in ops: [String]) -> String? {
        switch peek {
        case .op(let o)? where ops.contains(o): return o
        case .ident("in")? where ops.contains("in"): return "in"
        default: return nil
        }
    }

    private mutating func parseUnary() throws(Failure) -> Node {
        if accept("!") { return .unary("!", try parseUnary()) }
        if accept("-") { return .unary("-", try parseUnary()) }
        return try parseMember()
    }

    private mutating func parseMember() throws(Failure) -> Node {
        var node = try parsePrimary()
        while true {
            if accept(".") {
                guard case .ident(let name)? = peek else { throw Failure() }
                pos += 1
                if accept("(") {
                    if name == "all" || name == "exists" || name == "exists_one" {
                        guard case .ident(let variable)? = peek else { throw Failure() }
                        pos += 1
                        try expect(",")
                        let body = try parseExpression()
                        try expect(")")
                        node = .comprehension(name, target: node, variable: variable, body: body)
                    } else {
                        node = .call(name, target: node, args: try parseArguments())
                    }
                } else {
                    node = .select(node, name)
                }
            } else if accept("[") {
                let index = try parseExpression()
                try expect("]")
                node = .index(node, index)
            } else {
                return node
            }
        }
    }

    private mutating func parseArguments() throws(Failure) -> [Node] {
        var args: [Node] = []
        if accept(")") { return args }
        repeat { args.append(try parseExpression()) } while accept(",")
        try expect(")")
        return args
    }

    private mutating func parsePrimary() throws(Failure) -> Node {
        guard let token = peek else { throw Failure() }
        pos += 1
        switch token {
        case .int(let n): return .literal(.int(n))
        case .double(let d): return .literal(.double(d))
        case .string(let s): return .literal(.string(s))
        case .ident("true"): return .literal(true)
        case .ident("false"): return .literal(false)
        case .ident("null"): return .literal(.null)
        case .ident(let name):
            if accept("(") { return .call(name, target: nil, args: try parseArguments()) }
            return .ident(name)
        case .op("("):
            let inner = try parseExpression()
            try expect(")")
            return inner
        case .op("["):
            var items: [Node] = []
            if accept("]") { return .list(items) }
            repeat { items.append(try parseExpression()) } while accept(",")
            try expect("]")
            return .list(items)
        default:
            throw Failure()
        }
    }
}
