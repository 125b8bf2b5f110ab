import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct SchemaPruneDefaultTests {
    @Test func pruneDropsUndeclaredFieldsAndReportsThem() throws {
        let schema = try StructuralSchemaTests.schema()
        let obj = j("""
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"},"bogus":1},
         "spec":{"size":1,"foo":1,"items":[{"name":"x","bar":2}],"extra":{"known":"k","anything":{"deep":1}},
                 "labels":{"free":"form"},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","junk":1},"spec":{"x":"1","y":2}}},
         "top":true}
        """)
        let (pruned, unknown) = schema.prune(obj)
        #expect(unknown == ["metadata.bogus", "spec.foo", "spec.items[0].bar", "spec.template.metadata.junk", "spec.template.spec.y", "top"])
        #expect(pruned == j("""
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},
         "spec":{"size":1,"items":[{"name":"x"}],"extra":{"known":"k","anything":{"deep":1}},
                 "labels":{"free":"form"},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":"1"}}}}
        """))
    }

    @Test func pruneDropsNullsOfNonNullableFieldsSilently() throws {
        let schema = try StructuralSchemaTests.schema()
        let (pruned, unknown) = schema.prune(StructuralSchemaTests.widget(#"{"size":1,"name":null,"optional":null}"#))
        #expect(unknown == [])
        #expect(pruned["spec"] == j(#"{"size":1,"optional":null}"#))
    }

    @Test func preserveUnknownFieldsAtTheRootKeepsEverything() throws {
        let schema = try StructuralSchema(json: j(#"{"type":"object","x-kubernetes-preserve-unknown-fields":true}"#))
        let obj = j(#"{"apiVersion":"v","kind":"K","spec":{"a":[1,{"b":2}]}}"#)
        #expect(schema.prune(obj) == (obj, unknown: []))
    }

    @Test func objectWithoutPropertiesIsPrunedEmpty() throws {
        let schema = try StructuralSchema(json: j(#"{"type":"object","properties":{"spec":{"type":"object"}}}"#))
        let (pruned, unknown) = schema.prune(j(#"{"spec":{"a":1}}"#))
        #expect(pruned == j(#"{"spec":{}}"#))
        #expect(unknown == ["spec.a"])
    }

    @Test func defaultsFillMissingFieldsWhoseParentExists() throws {
        let schema = try StructuralSchemaTests.schema()
        let defaulted = schema.applyDefaults(StructuralSchemaTests.widget(#"{"size":1,"items":[{"name":"x"},{"name":"y","weight":2}]}"#))
        #expect(defaulted["spec"] == j(#"{"size":1,"replicas":1,"policy":{"mode":"Auto"},"items":[{"name":"x","weight":5},{"name":"y","weight":2}]}"#))
        // No spec, no spec defaults; status has none.
        let bare = j(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}"#)
        #expect(schema.applyDefaults(bare) == bare)
    }

    @Test func defaultReplacesANullInANonNullableField() throws {
        let schema = try StructuralSchemaTests.schema()
        #expect(schema.applyDefaults(StructuralSchemaTests.widget(#"{"size":1,"replicas":null}"#))["spec"]["replicas"] == 1)
    }

    @Test func structuralChecks() throws {
        #expect(try StructuralSchemaTests.schema().structuralErrors() == [])
        let bad = try StructuralSchema(json: j("""
        {"type":"object","properties":{
          "metadata":{"type":"object","properties":{"labels":{"type":"object"}}},
          "spec":{"properties":{"list":{"type":"array"},"both":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}},
                  "ios":{"x-kubernetes-int-or-string":true},"anyOfed":{"type":"string","anyOf":[{"type":"string"}]}}}}}
        """))
        let messages = bad.structuralErrors().map(\.description)
        #expect(messages == [
            "openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
            "openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
            "openAPIV3Schema.properties[spec].properties[anyOfed].anyOf[0].type: Forbidden: must be empty to be structural",
            "openAPIV3Schema.properties[spec].properties[both].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive",
            "openAPIV3Schema.properties[spec].properties[list].items: Required value: must be specified",
        ])
        let rootString = try StructuralSchema(json: j(#"{"type":"string"}"#))
        #expect(rootString.structuralErrors().map(\.description) == [#"openAPIV3Schema.type: Invalid value: "string": must be object at the root"#])
    }

    @Test func defaultsMustValidateAndSurvivePruning() throws {
        let schema = try StructuralSchema(json: j("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "replicas":{"type":"integer","minimum":1,"default":0},
          "mode":{"type":"string","enum":["a"],"default":"b"},
          "policy":{"type":"object","default":{"x":1},"properties":{"y":{"type":"string"}}}}}}}
        """))
        #expect(schema.structuralErrors().map(\.description) == [
            #"openAPIV3Schema.properties[spec].properties[mode].default: Unsupported value: "b": supported values: "a""#,
            #"openAPIV3Schema.properties[spec].properties[policy].default: Invalid value: {"x":1}: must not have unknown fields: x"#,
            "openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
        ])
    }
}
