import DozeJSON
import Foundation
import Testing
@testable import Controller

/// The CRD's CEL rules, through their Swift translations (SchemaRules), on defaulted Apps.
@Suite struct CRDRuleTests {
    static func check(_ app: JSON) throws -> [String] {
        let schema = try CRDTests.schema()
        return SchemaRules.failures(SchemaRules.defaulted(app, schema), schema)
    }

    @Test func everyRuleHasATranslation() throws {
        func rules(_ s: JSON) -> [String] {
            var out = (s["x-kubernetes-validations"].array ?? []).compactMap { $0["rule"].string }
            for (_, sub) in s["properties"].object ?? [:] { out += rules(sub) }
            if s["additionalProperties"].object != nil { out += rules(s["additionalProperties"]) }
            if s["items"].object != nil { out += rules(s["items"]) }
            return out
        }
        let all = rules(try CRDTests.schema())
        #expect(Set(all) == Set(SchemaRules.translations.keys))
    }

    @Test(arguments: try GoldenFiles.names().filter { $0.hasSuffix(".app.json") })
    func goldenAppsPassTheRules(_ file: String) throws {
        #expect(try Self.check(try #require(try GoldenFiles.read(file))) == [])
    }

    @Test func aBareAppPassesTheRules() throws {
        #expect(try Self.check(try AppValidationTests.app(spec: #"{"image":"x"}"#)) == [])
    }

    @Test(arguments: [
        (#"{"image":"x","scaling":{"minReplicas":3,"maxReplicas":2}}"#, ["spec.scaling: minReplicas must not exceed maxReplicas"]),
        (#"{"image":"x","scaling":{"maxReplicas":1}}"#, []),
        (#"{"image":"x","volumes":[{"mountPath":"/d"}]}"#,
         ["spec.volumes[0]: a volume needs exactly one of name (a persistent volume) or secretTemplate (a rendered file)"]),
        (#"{"image":"x","volumes":[{"name":"d","secretTemplate":"t","mountPath":"/d"}]}"#,
         ["spec.volumes[0]: a volume needs exactly one of name (a persistent volume) or secretTemplate (a rendered file)"]),
        (#"{"image":"x","volumes":[{"secretTemplate":"t","mountPath":"/d","retain":false}]}"#,
         ["spec.volumes[0]: size, storageClassName and retain apply only to a named volume"]),
        (#"{"image":"x","volumes":[{"secretTemplate":"t","mountPath":"/d"},{"name":"a","mountPath":"/a","retain":false}]}"#, []),
    ] as [(String, [String])])
    func rules(_ spec: String, _ expected: [String]) throws {
        let app = try AppValidationTests.app(spec: spec)
        #expect(try Self.check(app) == expected)
        if !expected.isEmpty { #expect(throws: InvalidSpec.self) { try App(parsing: app) } }
    }

    @Test func longNamesAreRejected() throws {
        let name = String(repeating: "a", count: 64)
        let app = try AppValidationTests.app(spec: #"{"image":"x"}"#, name: name)
        #expect(try Self.check(app) == [": an App's name is used as a label value and a Service name, so it must be at most 63 characters"])
        #expect(throws: InvalidSpec.self) { try App(parsing: app) }
    }
}
