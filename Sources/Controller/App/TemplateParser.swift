import DozeJSON

/// Turns template text into `Template.Node`s: splits text from `{{ }}` actions, applies trim
/// markers to the neighbouring text, and parses each action against the supported subset.
struct TemplateParser {
    let source: [Character]

    private struct Action {
        var words: String
        var pos: TemplatePosition
    }

    private enum Token {
        case text(String)
        case action(Action)
    }

    func parse() throws(TemplateError) -> [Template.Node] {
        var tokens = try tokenize()[...]
        let nodes = try parseBlock(&tokens, opener: nil)
        return nodes
    }

    /// Text and actions, with `{{- ` / ` -}}` already applied to the adjacent text.
    private func tokenize() throws(TemplateError) -> [Token] {
        var tokens: [Token] = []
        var text = ""
        var trimNextText = false
        var i = 0
        while i < source.count {
            guard source[i] == "{", i + 1 < source.count, source[i + 1] == "{" else {
                text.append(source[i]); i += 1; continue
            }
            let pos = TemplatePosition(offset: i)
            guard let close = findClose(from: i + 2) else { throw pos.error("unclosed action: no }}", in: source) }
            var inner = Array(source[(i + 2)..<close])
            let trimLeft = inner.count >= 2 && inner[0] == "-" && isSpace(inner[1])
            if trimLeft { inner.removeFirst() }
            let trimRight = inner.count >= 2 && inner[inner.count - 1] == "-" && isSpace(inner[inner.count - 2])
            if trimRight { inner.removeLast() }
            if trimNextText { text = String(text.drop(while: isSpace)) }
            if trimLeft { text = String(text.reversed().drop(while: isSpace).reversed()) }
            if !text.isEmpty { tokens.append(.text(text)) }
            text = ""
            tokens.append(.action(Action(words: String(inner), pos: pos)))
            trimNextText = trimRight
            i = close + 2
        }
        if trimNextText { text = String(text.drop(while: isSpace)) }
        if !text.isEmpty { tokens.append(.text(text)) }
        return tokens
    }

    private func findClose(from start: Int) -> Int? {
        var j = start
        while j + 1 < source.count {
            if source[j] == "}" && source[j + 1] == "}" { return j }
            j += 1
        }
        return nil
    }

    private func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" }

    /// Nodes up to the `{{end}}` that closes `opener` (or the end of input at the top level).
    private func parseBlock(_ tokens: inout ArraySlice<Token>, opener: TemplatePosition?) throws(TemplateError) -> [Template.Node] {
        var nodes: [Template.Node] = []
        while let token = tokens.popFirst() {
            switch token {
            case .text(let t):
                nodes.append(.text(t))
            case .action(let a):
                let words = a.words.split(whereSeparator: { isSpace($0) }).map(String.init)
                if words == ["end"] {
                    guard opener != nil else { throw a.pos.error("{{end}} without a {{range}}", in: source) }
                    return nodes
                }
                if words.first == "range" {
                    let (key, value) = try rangeVariables(Array(words.dropFirst()), at: a.pos)
                    let body = try parseBlock(&tokens, opener: a.pos)
                    nodes.append(.range(key: key, value: value, body: body, a.pos))
                } else {
                    nodes.append(try value(words, at: a.pos))
                }
            }
        }
        if let opener { throw opener.error("{{range}} is never closed by {{end}}", in: source) }
        return nodes
    }

    /// `$k, $v := .params`, `$v := .params` or `.params` after `range`.
    private func rangeVariables(_ w: [String], at pos: TemplatePosition) throws(TemplateError) -> (String?, String?) {
        let usage = "expected {{range $k, $v := .params}}"
        guard let data = w.last, data == ".params" || data == "$.params" else {
            throw pos.error("range over something other than .params; \(usage)", in: source)
        }
        let decl = w.dropLast().joined(separator: " ")
        if decl.isEmpty { return (nil, nil) }
        guard decl.hasSuffix(":=") else { throw pos.error(usage, in: source) }
        let names = decl.dropLast(2).split(separator: ",").map { $0.trimmingSpaces }
        let vars = names.compactMap(variableName)
        guard (1...2).contains(names.count), vars.count == names.count else { throw pos.error(usage, in: source) }
        return vars.count == 2 ? (vars[0], vars[1]) : (nil, vars[0])
    }

    private func variableName(_ word: String) -> String? {
        guard word.hasPrefix("$") else { return nil }
        let name = word.dropFirst()
        guard let first = name.first, first.isLetter || first == "_",
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        return String(name)
    }

    /// A printing action: `.params.KEY`, `$.params.KEY`, `$name` or `.`.
    private func value(_ words: [String], at pos: TemplatePosition) throws(TemplateError) -> Template.Node {
        let supported = "supported: {{.params.KEY}}, {{range $k, $v := .params}}…{{end}}, {{$k}}, {{$v}}, {{- and -}}"
        guard words.count == 1, let w = words.first else {
            let shown = words.joined(separator: " ")
            throw pos.error("unsupported action {{\(shown)}}; \(supported)", in: source)
        }
        if w == "." { return .dot(pos) }
        for prefix in [".params.", "$.params."] where w.hasPrefix(prefix) {
            let key = String(w.dropFirst(prefix.count))
            guard let v = variableName("$" + key) else {
                throw pos.error("\(quoted(key)) is not a field name; {{.params.KEY}} takes letters, digits and _", in: source)
            }
            return .param(v, rooted: prefix.hasPrefix("$"), pos)
        }
        if let v = variableName(w) { return .variable(v, pos) }
        throw pos.error("unsupported action {{\(w)}}; \(supported)", in: source)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
