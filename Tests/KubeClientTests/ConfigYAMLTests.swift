import DozeJSON
import Testing
@testable import KubeClient

@Suite struct ConfigYAMLTests {
    static let accepted: [(String, String, JSON)] = [
        ("empty", "", .null),
        ("comments only", "# nothing\n\n  # more\n", .null),
        ("document start", "---\na: b\n", ["a": "b"]),
        ("document end", "a: b\n...\n", ["a": "b"]),
        ("plain scalars typed", "s: hello world\ni: 42\nn: -7\nh: 0x1F\no: 0o17\nf: 1.5\nt: true\nF: False\nz: ~\nnu: null\ne:\n",
         ["s": "hello world", "i": 42, "n": -7, "h": 31, "o": 15, "f": 1.5, "t": true, "F": false, "z": nil,
          "nu": nil, "e": nil]),
        ("version-like strings stay strings", "v: 1.2.3\nip: 10.0.0.1\nd: 2024-01-01\n", ["v": "1.2.3", "ip": "10.0.0.1", "d": "2024-01-01"]),
        ("url with colons", "server: https://[::1]:6443/x\n", ["server": "https://[::1]:6443/x"]),
        ("comment after value", "a: b # note\nc: d#not-a-comment\n", ["a": "b", "c": "d#not-a-comment"]),
        ("single quoted", "a: 'it''s # here'\nb: ''\n", ["a": "it's # here", "b": ""]),
        ("double quoted escapes", #"a: "t\tn\n\"q\" \\ \u00e9 \x41 \/""# + "\n", ["a": "t\tn\n\"q\" \\ é A /"]),
        ("quoted typed as string", "a: \"true\"\nb: '12'\n", ["a": "true", "b": "12"]),
        ("quoted key", "\"a b\": 1\n'c:d': 2\n", ["a b": 1, "c:d": 2]),
        ("nested maps", "a:\n  b:\n    c: d\n  e: f\ng: h\n", ["a": ["b": ["c": "d"], "e": "f"], "g": "h"]),
        ("sequence at key indent", "l:\n- a\n- b\nm: 1\n", ["l": ["a", "b"], "m": 1]),
        ("indented sequence", "l:\n  - a\n  -   b\n", ["l": ["a", "b"]]),
        ("compact map items", "l:\n- name: x\n  v:\n    k: 1\n- name: y\n", ["l": [["name": "x", "v": ["k": 1]], ["name": "y"]]]),
        ("nested sequences", "- - a\n  - b\n- c\n", [["a", "b"], "c"]),
        ("empty item", "- \n- x\n", [nil, "x"]),
        ("empty flow", "p: {}\nq: []\n", ["p": .object([:]), "q": .array([])]),
        ("flow sequence", "a: [x, 'y z', \"w\", 3]\n", ["a": ["x", "y z", "w", 3]]),
        ("literal block", "a: |\n  line 1\n    indented\n\n  line 3\nb: 2\n", ["a": "line 1\n  indented\n\nline 3\n", "b": 2]),
        ("literal strip", "a: |-\n  x\n  y\n", ["a": "x\ny"]),
        ("literal keep", "a: |+\n  x\n\n", ["a": "x\n\n"]),
        ("folded block", "a: >\n  one\n  two\n\n  three\n", ["a": "one two\nthree\n"]),
        ("multi-line plain", "a: one\n  two\n  three\n", ["a": "one two three"]),
        ("multi-line double quoted", "a: \"one\n  two\\\n  three\"\n", ["a": "one twothree"]),
        ("crlf", "a: b\r\nc: d\r\n", ["a": "b", "c": "d"]),
        ("byte order mark", "\u{FEFF}a: b\n", ["a": "b"]),
        ("key with space before colon", "a : b\n", ["a": "b"]),
        ("comment between items", "l:\n- a\n# note\n\n- b\n", ["l": ["a", "b"]]),
        ("item on the next line", "l:\n-\n  name: x\n", ["l": [["name": "x"]]]),
        ("top-level scalar", "hello\n", "hello"),
    ]

    @Test(arguments: accepted)
    func parses(_ c: (String, String, JSON)) throws {
        let parsed = try YAML.parse(c.1, source: "t.yaml")
        #expect(parsed == c.2, "\(c.0)")
    }

    static let rejected: [(String, String, Int)] = [
        ("tab indentation", "a:\n\tb: c\n", 2),
        ("anchor", "a: &x b\n", 1),
        ("alias", "a: b\nc: *x\n", 2),
        ("tag", "a: !!str b\n", 1),
        ("flow mapping", "a: {b: c}\n", 1),
        ("nested flow", "a: [b, [c]]\n", 1),
        ("unclosed flow", "a: [b, c\n", 1),
        ("two documents", "a: b\n---\nc: d\n", 2),
        ("duplicate key", "a: 1\nb: 2\na: 3\n", 3),
        ("bad indentation", "a:\n    b: 1\n  c: 2\n", 3),
        ("map value on a scalar", "a: b: c\n", 1),
        ("unterminated quote", "a: \"b\nc: d\n", 1),
        ("text after quote", "a: \"b\" c\n", 1),
        ("bad escape", "a: \"\\q\"\n", 1),
        ("sequence in a mapping", "a: 1\n- b\n", 2),
        ("complex key", "? a\n: b\n", 1),
        ("directive", "%YAML 1.2\n---\na: b\n", 1),
        ("indentation between levels", "a:\n  b: 1\n c: 2\n", 3),
    ]

    @Test(arguments: rejected)
    func rejects(_ c: (String, String, Int)) {
        do {
            let v = try YAML.parse(c.1, source: "/k/config")
            Issue.record("\(c.0): accepted as \(v)")
        } catch let e as YAMLError {
            #expect(e.line == c.2, "\(c.0): \(e)")
            #expect(e.description.hasPrefix("/k/config:\(c.2): "), "\(c.0): \(e)")
        } catch {
            Issue.record("\(c.0): unexpected error \(error)")
        }
    }
}
