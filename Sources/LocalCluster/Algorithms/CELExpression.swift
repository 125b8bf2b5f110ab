import DozeJSON

/// The subset of CEL this server evaluates in `x-kubernetes-validations`: `self` and `oldSelf`,
/// field selection and indexing, literals (int, double, string, bool, null, lists), `!`, `-`,
/// `&&`, `||`, `? :`, comparisons, `in`, `+ - * / %`, `has()`, `size()`, `int()`, `double()`,
/// `string()`, the string methods `startsWith`, `endsWith`, `contains`, `matches`, and the
/// `all`/`exists`/`exists_one` macros. `messageExpression` is evaluated with the same subset.
/// A rule outside the subset fails to parse and is not evaluated; a rule whose evaluation hits an
/// error (a missing field, a type mismatch) is skipped too, where upstream would report it.
struct CELExpression: Sendable, Equatable {
    struct Unsupported: Error, Equatable {}

    indirect enum Node: Sendable, Equatable {
        case literal(JSON)
        case list([Node])
        case ident(String)
        case select(Node, String)
        case index(Node, Node)
        case call(String, target: Node?, args: [Node])
        case unary(String, Node)
        case binary(String, Node, Node)
        case conditional(Node, Node, Node)
        case comprehension(String, target: Node, variable: String, body: Node)
    }

    let root: Node

    init(parsing rule: String) throws(Unsupported) {
        var parser = CELParser(tokens: try CELLexer.tokens(rule))
        root = try parser.parseExpression()
        guard parser.atEnd else { throw Unsupported() }
    }

    /// The rule's value for `self`, or nil when evaluation fails.
    func evaluate(self value: JSON, oldSelf: JSON? = nil) -> JSON? {
        var scope: [String: JSON] = ["self": value]
        if let oldSelf { scope["oldSelf"] = oldSelf }
        return try? CELEvaluator(scope: scope).eval(root)
    }
}

/// Tokens of the CEL subset.
enum CELToken: Equatable, Sendable {
    case ident(String), int(Int64), double(Double), string(String), op(String)
}

enum CELLexer {
    static func tokens(_ text: String) throws(CELExpression.Unsupported) -> [CELToken] {
        var out: [CELToken] = []
        let chars = Array(text)
        var i = 0
        let twoCharOps: Set<String> = ["&&", "||", "==", "!=", "<=", ">="]
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                out.append(.ident(String(chars[i..<j])))
                i = j
            } else if c.isNumber {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                let s = String(chars[i..<j])
                if s.contains(".") {
                    guard let d = Double(s) else { throw .init() }
                    out.append(.double(d))
                } else {
                    guard let n = Int64(s) else { throw .init() }
                    out.append(.int(n))
                }
                if j < chars.count && (chars[j] == "u" || chars[j] == "U") { j += 1 }
                i = j
            } else if c == "\"" || c == "'" {
                var j = i + 1
                var s = ""
                while j < chars.count && chars[j] != c {
                    if chars[j] == "\\" && j + 1 < chars.count {
                        j += 1
                        switch chars[j] { case "n": s.append("\n"); case "t": s.append("\t"); default: s.append(chars[j]) }
                    } else {
                        s.append(chars[j])
                    }
                    j += 1
                }
                guard j < chars.count else { throw .init() }
                out.append(.string(s))
                i = j + 1
            } else if i + 1 < chars.count, twoCharOps.contains(String(chars[i...i + 1])) {
                out.append(.op(String(chars[i...i + 1])))
                i += 2
            } else if "!<>+-*/%().,[]?:".contains(c) {
                out.append(.op(String(c)))
                i += 1
            } else {
                throw .init()
            }
        }
        return out
    }
}
