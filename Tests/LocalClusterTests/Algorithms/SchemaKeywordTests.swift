import DozeJSON
import Testing
@testable import LocalCluster

/// The less common OpenAPI keywords, one schema each: (schema of `spec.v`, value, expected causes
/// as `field: message`, empty when valid).
@Suite struct SchemaKeywordTests {
    static let cases: [(String, String, [String])] = [
        (#"{"type":"integer","multipleOf":5}"#, "12", ["spec.v: Invalid value: 12: spec.v in body should be a multiple of 5"]),
        (#"{"type":"integer","multipleOf":5}"#, "15", []),
        (#"{"type":"number","minimum":0.5,"exclusiveMinimum":true}"#, "0.5",
         ["spec.v: Invalid value: 0.5: spec.v in body should be greater than 0.5"]),
        (#"{"type":"number"}"#, "3", []),
        (#"{"type":"boolean"}"#, #""yes""#, [#"spec.v: Invalid value: "string": spec.v in body must be of type boolean: "string""#]),
        (#"{"type":"string"}"#, "null", [#"spec.v: Invalid value: "null": spec.v in body must be of type string: "null""#]),
        (#"{"type":"string","nullable":true}"#, "null", []),
        (#"{"type":"object","minProperties":2,"additionalProperties":{"type":"string"}}"#, #"{"a":"b"}"#,
         ["spec.v: Invalid value: 2: spec.v in body should have at least 2 properties"]),
        (#"{"type":"array","items":{"type":"integer"},"uniqueItems":true}"#, "[1,2,1]",
         [#"spec.v: Invalid value: "": spec.v in body shouldn't contain duplicates"#]),
        (#"{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"},"n":{"type":"integer"}}},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"]}"#,
         #"[{"k":"a","n":1},{"k":"a","n":2}]"#, [#"spec.v[1]: Duplicate value: {"k":"a"}"#]),
        (#"{"type":"string","format":"byte"}"#, #""aGVsbG8=""#, []),
        (#"{"type":"string","format":"byte"}"#, #""not base64!""#,
         [#"spec.v: Invalid value: "not base64!": spec.v in body must be of type byte: "not base64!""#]),
        (#"{"type":"string","format":"duration"}"#, #""1h30m""#, []),
        (#"{"type":"string","format":"date"}"#, #""2024-02-30x""#,
         [#"spec.v: Invalid value: "2024-02-30x": spec.v in body must be of type date: "2024-02-30x""#]),
        (#"{"type":"string","format":"made-up"}"#, #""anything""#, []),
        (#"{"type":"integer","enum":[1,2]}"#, "3", [#"spec.v: Unsupported value: 3: supported values: "1", "2""#]),
        (#"{"type":"string","anyOf":[{"pattern":"^a"},{"pattern":"^b"}]}"#, #""c""#,
         [#"spec.v: Invalid value: "": spec.v in body must validate at least one schema (anyOf)"#]),
        (#"{"type":"string","anyOf":[{"pattern":"^a"},{"pattern":"^b"}]}"#, #""b""#, []),
        (#"{"type":"string","oneOf":[{"pattern":"^a"},{"pattern":"b$"}]}"#, #""ab""#,
         [#"spec.v: Invalid value: "": spec.v in body must validate one and only one schema (oneOf)"#]),
        (#"{"type":"object","properties":{"a":{"type":"string"}},"allOf":[{"required":["a"]}]}"#, "{}", ["spec.v.a: Required value"]),
        (#"{"type":"string","not":{"enum":["x"]}}"#, #""x""#, [#"spec.v: Invalid value: "": spec.v in body must not validate the schema (not)"#]),
        (#"{"x-kubernetes-preserve-unknown-fields":true}"#, #"{"any":[1,"x"]}"#, []),
    ]

    @Test(arguments: cases)
    func keyword(schema: String, value: String, expected: [String]) throws {
        let s = try StructuralSchema(json: j(#"{"type":"object","properties":{"spec":{"type":"object","properties":{"v":"# + schema + "}}}}"))
        #expect(s.validate(j(#"{"spec":{"v":"# + value + "}}")).map(\.description) == expected)
    }

    @Test func anUncompilablePatternIsASchemaError() {
        #expect(throws: StructuralSchema.SchemaError.self) { try StructuralSchema(json: j(#"{"type":"string","pattern":"(unclosed"}"#)) }
    }
}
