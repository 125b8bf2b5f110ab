import DozeJSON
import Testing

@Suite struct JSONTests {
    @Test(arguments: [
        ("null", JSON.null), ("true", .bool(true)), ("false", .bool(false)),
        ("0", .int(0)), ("-12", .int(-12)), ("1.5", .double(1.5)), ("1e3", .double(1000)),
        ("\"a\\nb\\u00e9\\ud83d\\ude00\"", .string("a\nbé😀")),
        ("[1, [2], {}]", .array([.int(1), .array([.int(2)]), .object([:])])),
        (" {\"a\": {\"b\": null}} ", .object(["a": .object(["b": .null])])),
    ])
    func parses(text: String, expected: JSON) throws {
        #expect(try JSON(parsing: text) == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\u{01}\"", "\"\\x\"", "1 2",
                      "{\"a\":1,}", "\"abc"])
    func rejects(text: String) {
        #expect(throws: JSONError.self) { try JSON(parsing: text) }
    }

    @Test func rejectsHostileNesting() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONError.self) { try JSON(parsing: deep) }
    }

    @Test func serializesSortedAndEscaped() throws {
        let v: JSON = ["b": 1, "a": ["x\"y\n", true, nil, 2.5], "c": [:]]
        #expect(v.serialized() == #"{"a":["x\"y\n",true,null,2.5],"b":1,"c":{}}"#)
        #expect(try JSON(parsing: v.serialized()) == v)
        #expect(try JSON(parsing: v.prettyPrinted()) == v)
    }

    @Test func subscriptsReadAndWriteDeep() {
        var v: JSON = [:]
        v[path: "metadata", "labels", "app"] = "hello"
        #expect(v["metadata"]["labels"]["app"].string == "hello")
        #expect(v["spec"]["replicas"].int == nil)
        v["metadata"]["labels"]["app"] = nil
        #expect(v["metadata"]["labels"] == [:])
    }

    @Test func intAcceptsWholeDoubles() {
        #expect(JSON.double(3).int == 3)
        #expect(JSON.double(3.5).int == nil)
    }

    @Test func codableBridge() throws {
        struct P: Codable, Equatable { var name: String; var n: Int }
        let j = try JSON(encoding: P(name: "x", n: 2))
        #expect(j == ["name": "x", "n": 2])
        #expect(try j.decode(P.self) == P(name: "x", n: 2))
    }
}
