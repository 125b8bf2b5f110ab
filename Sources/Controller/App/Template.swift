import DozeJSON

/// The part of Go's text/template that OpenRun's `cl_secret` templates use, with `.params` as the
/// data: `{{.params.KEY}}`, `{{range $k, $v := .params}}…{{end}}` (keys sorted, as Go ranges over
/// a map), `{{$k}}`, `{{$v}}`, `{{.}}` inside a range, and the trim markers `{{- ` and ` -}}`.
/// Anything else is an error naming its position, never silently left in the output.
/// Unlike Go's default (`<no value>`), a missing param is an error: a secrets file with a hole in
/// it is worse than an App that says why it cannot start.
public enum Template {
    public static func render(_ template: String, params: [String: String]) throws(TemplateError) -> String {
        let source = Array(template)
        let nodes = try TemplateParser(source: source).parse()
        var out = ""
        try Evaluator(params: params, source: source).run(nodes, scope: Scope(dot: nil), into: &out)
        return out
    }

    indirect enum Node {
        case text(String)
        /// `rooted` is `$.params.KEY`, which works inside a range; `.params.KEY` does not (dot is the element there).
        case param(String, rooted: Bool, TemplatePosition)
        case variable(String, TemplatePosition)
        case dot(TemplatePosition)
        case range(key: String?, value: String?, body: [Node], TemplatePosition)
    }

    struct Scope {
        var variables: [String: String] = [:]
        /// The range element; nil at the top level, where dot is the whole data.
        var dot: String?
    }

    private struct Evaluator {
        let params: [String: String]
        let source: [Character]

        func run(_ nodes: [Node], scope: Scope, into out: inout String) throws(TemplateError) {
            for node in nodes {
                switch node {
                case .text(let t):
                    out += t
                case .param(let key, let rooted, let pos):
                    if !rooted, scope.dot != nil {
                        throw pos.error("inside a range, . is the range element; write $.params.\(key)", in: source)
                    }
                    guard let v = params[key] else { throw pos.error("no param \(quoted(key))", in: source) }
                    out += v
                case .variable(let name, let pos):
                    guard let v = scope.variables[name] else {
                        throw pos.error("undefined variable $\(name)", in: source)
                    }
                    out += v
                case .dot(let pos):
                    guard let d = scope.dot else {
                        throw pos.error("{{.}} outside a range would print all the data; use {{.params.KEY}}", in: source)
                    }
                    out += d
                case .range(let keyVar, let valueVar, let body, _):
                    for key in params.keys.sorted() {
                        var inner = scope
                        inner.dot = params[key]
                        if let k = keyVar { inner.variables[k] = key }
                        if let v = valueVar { inner.variables[v] = params[key] }
                        try run(body, scope: inner, into: &out)
                    }
                }
            }
        }
    }
}
