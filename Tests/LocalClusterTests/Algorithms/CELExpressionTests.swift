import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct CELExpressionTests {
    static let selfValue = j(#"{"min":1,"max":5,"name":"web-1","tags":["a","b"],"ratio":0.5,"mode":"Auto","items":[{"w":1},{"w":2}]}"#)

    /// (rule, expected result for `selfValue`).
    static let rules: [(String, Bool)] = [
        ("self.min <= self.max", true),
        ("self.min > self.max", false),
        ("self.min == 1 && self.max != 1", true),
        ("self.min == 2 || self.max == 5", true),
        ("!(self.min == 1)", false),
        ("has(self.name)", true),
        ("has(self.missing)", false),
        ("!has(self.missing) || self.missing > 0", true),
        ("size(self.tags) == 2", true),
        ("self.tags.size() < 2", false),
        ("self.name.startsWith('web-')", true),
        ("self.name.endsWith(\"-2\")", false),
        ("self.name.matches('^[a-z]+-[0-9]+$')", true),
        ("self.name.contains('eb')", true),
        ("self.mode in ['Auto', 'Manual']", true),
        ("'c' in self.tags", false),
        ("self.ratio < 1.0 && self.ratio >= 0.5", true),
        ("self.min + self.max == 6 && self.max % 2 == 1", true),
        ("self.items.all(i, i.w > 0)", true),
        ("self.items.exists(i, i.w > 1)", true),
        ("self.items[0].w == 1", true),
        ("self.min > 3 ? self.max > 10 : self.max > 2", true),
        ("size(self.name) == 5", true),
        ("int('7') + self.min == 8 && string(self.max) == '5' && double(self.min) < 1.5", true),
    ]

    @Test(arguments: rules)
    func evaluates(rule: String, expected: Bool) throws {
        let e = try CELExpression(parsing: rule)
        #expect(e.evaluate(self: Self.selfValue) == .bool(expected))
    }

    @Test func outsideTheSubsetIsNotEvaluated() throws {
        #expect(throws: CELExpression.Unsupported.self) { try CELExpression(parsing: "self.x @ 2") }
        // An unknown function parses but cannot be evaluated.
        #expect(try CELExpression(parsing: "quantity(self.x).isLessThan(quantity('1'))").evaluate(self: Self.selfValue) == nil)
        // A missing field is an evaluation error, not false.
        #expect(try CELExpression(parsing: "self.missing > 0").evaluate(self: Self.selfValue) == nil)
    }

    @Test func schemaRulesBecomeCauses() throws {
        let schema = try StructuralSchema(json: j("""
        {"type":"object","properties":{"spec":{"type":"object",
          "x-kubernetes-validations":[{"rule":"self.min <= self.max"},
                                      {"rule":"self.name.startsWith('a')","message":"name must start with a","fieldPath":".name","reason":"FieldValueForbidden"},
                                      {"rule":"self.min @ 1"},
                                      {"rule":"self.max > 2","messageExpression":"'max is ' + string(self.max)","message":"max too small"},
                                      {"rule":"self.max >= 3","messageExpression":"self.nope","message":"fallback message"},
                                      {"rule":"self.max > 1","messageExpression":"'max must exceed 1, not ' + self.name"}],
          "properties":{"min":{"type":"integer"},"max":{"type":"integer"},"name":{"type":"string"}}}}}
        """))
        let causes = schema.validate(j(#"{"spec":{"min":3,"max":1,"name":"b"}}"#))
        #expect(causes == [
            FieldCause(reason: "FieldValueInvalid", message: #"Invalid value: "object": failed rule: self.min <= self.max"#, field: "spec"),
            FieldCause(reason: "FieldValueForbidden", message: "Forbidden: name must start with a", field: "spec.name"),
            FieldCause(reason: "FieldValueInvalid", message: #"Invalid value: "object": max is 1"#, field: "spec"),
            FieldCause(reason: "FieldValueInvalid", message: #"Invalid value: "object": fallback message"#, field: "spec"),
            FieldCause(reason: "FieldValueInvalid", message: #"Invalid value: "object": max must exceed 1, not b"#, field: "spec"),
        ])
        #expect(schema.validate(j(#"{"spec":{"min":1,"max":3,"name":"abc"}}"#)) == [])
    }

    @Test func transitionRulesRunOnlyOnUpdateWithACorrelatedOldValue() throws {
        let schema = try StructuralSchema(json: j("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "class":{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf","message":"Value is immutable"}]},
          "routes":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["host"],
            "items":{"type":"object","x-kubernetes-validations":[{"rule":"self.port >= oldSelf.port"}],
                     "properties":{"host":{"type":"string"},"port":{"type":"integer"}}}}}}}}
        """))
        let v1 = j(#"{"spec":{"class":"a","routes":[{"host":"x","port":80},{"host":"y","port":90}]}}"#)
        #expect(schema.validate(v1) == [])
        #expect(schema.validate(v1, old: v1) == [])
        let v2 = j(#"{"spec":{"class":"b","routes":[{"host":"y","port":80},{"host":"z","port":1}]}}"#)
        #expect(schema.validate(v2, old: v1) == [
            FieldCause(reason: "FieldValueInvalid", message: #"Invalid value: "string": Value is immutable"#, field: "spec.class"),
            FieldCause(reason: "FieldValueInvalid", message: #"Invalid value: "object": failed rule: self.port >= oldSelf.port"#, field: "spec.routes[0]"),
        ])
    }
}
