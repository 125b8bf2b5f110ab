import Testing
@testable import Controller

/// The cl_secret subset, checked against what Go's text/template prints for the same input.
@Suite struct TemplateTests {
    let params = ["B": "two", "A": "one", "C_3": "three"]

    @Test(arguments: [
        ("plain text\n", "plain text\n"),
        ("x={{.params.A}}", "x=one"),
        ("x={{ .params.A }}", "x=one"),
        ("{{range $k, $v := .params}}{{$k}}={{$v}};{{end}}", "A=one;B=two;C_3=three;"),
        ("{{range $v := .params}}{{$v}},{{end}}", "one,two,three,"),
        ("{{range .params}}[{{.}}]{{end}}", "[one][two][three]"),
        ("{{range $k, $v := .params}}{{$k}}:{{$.params.A}} {{end}}", "A:one B:one C_3:one "),
        ("a  \n {{- .params.A -}} \n\t b", "aoneb"),
        ("[s]\n{{- range $k, $v := .params}}\n{{$k}} = \"{{$v}}\"\n{{- end}}\n", "[s]\nA = \"one\"\nB = \"two\"\nC_3 = \"three\"\n"),
        ("{{range $k, $v := .params}}{{range $v2 := .params}}{{end}}{{$k}}{{end}}", "ABC_3"),
        ("{ {.params.A} } {", "{ {.params.A} } {"),
        ("{{-3}}", nil),
    ] as [(String, String?)])
    func renders(_ template: String, _ expected: String?) throws {
        if let expected {
            #expect(try Template.render(template, params: params) == expected)
        } else {
            #expect(throws: TemplateError.self) { try Template.render(template, params: params) }
        }
    }

    @Test(arguments: [
        ("{{.Values.x}}", "line 1, column 1: unsupported action {{.Values.x}}; supported: {{.params.KEY}}, {{range $k, $v := .params}}…{{end}}, {{$k}}, {{$v}}, {{- and -}}"),
        ("ok\n  {{ secret \"k\" }}", "line 2, column 3: unsupported action {{secret \"k\"}}; supported: {{.params.KEY}}, {{range $k, $v := .params}}…{{end}}, {{$k}}, {{$v}}, {{- and -}}"),
        ("{{.params.MISSING}}", "line 1, column 1: no param \"MISSING\""),
        ("{{.params.my-key}}", "line 1, column 1: \"my-key\" is not a field name; {{.params.KEY}} takes letters, digits and _"),
        ("a {{.params.A", "line 1, column 3: unclosed action: no }}"),
        ("{{end}}", "line 1, column 1: {{end}} without a {{range}}"),
        ("x\n{{range $k, $v := .params}}", "line 2, column 1: {{range}} is never closed by {{end}}"),
        ("{{range $k := .other}}{{end}}", "line 1, column 1: range over something other than .params; expected {{range $k, $v := .params}}"),
        ("{{range $k, $v, $w := .params}}{{end}}", "line 1, column 1: expected {{range $k, $v := .params}}"),
        ("{{$k}}", "line 1, column 1: undefined variable $k"),
        ("{{.}}", "line 1, column 1: {{.}} outside a range would print all the data; use {{.params.KEY}}"),
        ("{{range .params}}{{.params.A}}{{end}}", "line 1, column 18: inside a range, . is the range element; write $.params.A"),
        ("{{/* comment */}}", "line 1, column 1: unsupported action {{/* comment */}}; supported: {{.params.KEY}}, {{range $k, $v := .params}}…{{end}}, {{$k}}, {{$v}}, {{- and -}}"),
    ])
    func rejects(_ template: String, _ message: String) {
        let error = #expect(throws: TemplateError.self) { try Template.render(template, params: params) }
        #expect(error?.description == message)
    }

    @Test func emptyParamsRangeRendersNothing() throws {
        #expect(try Template.render("a{{range $k, $v := .params}}{{$k}}{{end}}b", params: [:]) == "ab")
    }
}
