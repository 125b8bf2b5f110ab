import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct StructuralSchemaTests {
    static let schemaJSON = j("""
    {"type":"object","properties":{
      "apiVersion":{"type":"string"},"kind":{"type":"string"},
      "metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":20}}},
      "spec":{"type":"object","required":["size"],"properties":{
        "size":{"type":"integer","minimum":1,"maximum":10},
        "ratio":{"type":"number","exclusiveMaximum":true,"maximum":1},
        "name":{"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":5},
        "mode":{"type":"string","enum":["a","b"]},
        "port":{"x-kubernetes-int-or-string":true},
        "when":{"type":"string","format":"date-time"},
        "tags":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"set","maxItems":3},
        "items":{"type":"array","minItems":1,"items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"weight":{"type":"integer","default":5}}}},
        "labels":{"type":"object","additionalProperties":{"type":"string"},"maxProperties":2},
        "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"string"}}},
        "replicas":{"type":"integer","default":1},
        "policy":{"type":"object","default":{},"properties":{"mode":{"type":"string","default":"Auto"}}},
        "optional":{"type":"string","nullable":true},
        "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","properties":{"x":{"type":"string"}}}}}
      }},
      "status":{"type":"object","properties":{"phase":{"type":"string"}}}
    }}
    """)

    static func schema() throws -> StructuralSchema { try StructuralSchema(json: schemaJSON) }

    static func widget(_ spec: String) -> JSON {
        j(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":"# + spec + "}")
    }

    /// (spec, field, reason, message) — one violation each, worded as kube-apiserver words it.
    static let violations: [(String, String, String, String)] = [
        (#"{}"#, "spec.size", "FieldValueRequired", "Required value"),
        (#"{"size":"string"}"#, "spec.size", "FieldValueTypeInvalid",
         #"Invalid value: "string": spec.size in body must be of type integer: "string""#),
        (#"{"size":1.5}"#, "spec.size", "FieldValueTypeInvalid",
         #"Invalid value: "number": spec.size in body must be of type integer: "number""#),
        (#"{"size":0}"#, "spec.size", "FieldValueInvalid",
         "Invalid value: 0: spec.size in body should be greater than or equal to 1"),
        (#"{"size":11}"#, "spec.size", "FieldValueInvalid",
         "Invalid value: 11: spec.size in body should be less than or equal to 10"),
        (#"{"size":1,"ratio":1}"#, "spec.ratio", "FieldValueInvalid",
         "Invalid value: 1: spec.ratio in body should be less than 1"),
        (#"{"size":1,"mode":"x"}"#, "spec.mode", "FieldValueNotSupported",
         #"Unsupported value: "x": supported values: "a", "b""#),
        (#"{"size":1,"name":"ABC"}"#, "spec.name", "FieldValueInvalid",
         #"Invalid value: "ABC": spec.name in body should match '^[a-z]+$'"#),
        (#"{"size":1,"name":"abcdefg"}"#, "spec.name", "FieldValueTooLong", "Too long: may not be longer than 5"),
        (#"{"size":1,"name":"a"}"#, "spec.name", "FieldValueInvalid",
         #"Invalid value: "a": spec.name in body should be at least 2 chars long"#),
        (#"{"size":1,"port":true}"#, "spec.port", "FieldValueTypeInvalid",
         #"Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean""#),
        (#"{"size":1,"when":"yesterday"}"#, "spec.when", "FieldValueTypeInvalid",
         #"Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday""#),
        (#"{"size":1,"tags":["a","b","c","d"]}"#, "spec.tags", "FieldValueTooMany",
         "Too many: 4: must have at most 3 items"),
        (#"{"size":1,"tags":["a","a"]}"#, "spec.tags[1]", "FieldValueDuplicate", #"Duplicate value: "a""#),
        (#"{"size":1,"items":[]}"#, "spec.items", "FieldValueInvalid",
         "Invalid value: 0: spec.items in body should have at least 1 items"),
        (#"{"size":1,"items":[{"name":"x"},{"weight":1}]}"#, "spec.items[1].name", "FieldValueRequired", "Required value"),
        (#"{"size":1,"items":[{"name":7}]}"#, "spec.items[0].name", "FieldValueTypeInvalid",
         #"Invalid value: "integer": spec.items[0].name in body must be of type string: "integer""#),
        (#"{"size":1,"labels":{"a":1}}"#, "spec.labels.a", "FieldValueTypeInvalid",
         #"Invalid value: "integer": spec.labels.a in body must be of type string: "integer""#),
        (#"{"size":1,"labels":{"a":"1","b":"2","c":"3"}}"#, "spec.labels", "FieldValueTooMany",
         "Too many: 2: must have at most 2 items"),
        (#"{"size":1,"template":{"spec":{}}}"#, "spec.template.apiVersion", "FieldValueRequired",
         "Required value: must not be empty"),
    ]

    @Test(arguments: violations)
    func validationCauses(spec: String, field: String, reason: String, message: String) throws {
        let causes = try Self.schema().validate(Self.widget(spec))
        #expect(causes.count >= 1)
        let cause = causes.first { $0.field == field }
        #expect(cause?.reason == reason, "\(causes)")
        #expect(cause?.message == message, "\(causes)")
    }

    @Test func aValidObjectHasNoCauses() throws {
        let ok = Self.widget(#"{"size":3,"ratio":0.5,"name":"abc","mode":"a","port":"http","when":"2024-01-02T03:04:05Z","tags":["a"],"items":[{"name":"x"}],"labels":{"a":"b"},"optional":null,"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}}"#)
        #expect(try Self.schema().validate(ok) == [])
        #expect(try Self.schema().validate(Self.widget(#"{"size":1,"port":8080}"#)) == [])
    }

    @Test func integerAcceptsWholeDoublesAsUpstreamDoes() throws {
        #expect(try Self.schema().validate(Self.widget(#"{"size":2.0}"#)) == [])
    }

    @Test func causeDescriptionIsTheStatusMessageForm() {
        #expect(FieldCause.required("spec.size").description == "spec.size: Required value")
    }
}
