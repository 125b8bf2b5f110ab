import DozeJSON
import Foundation
import KubeClient
import Testing
@testable import Controller

/// deploy/crds/doze.dev_apps.json (generated from the YAML by hack/gen-crd-json; hack/test.d checks
/// they agree) against what the controller assumes.
@Suite struct CRDTests {
    static let crdURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/crds/doze.dev_apps.json").standardized

    static func crd() throws -> JSON {
        let data = try #require(FileManager.default.contents(atPath: crdURL.path), "missing \(crdURL.path)")
        return try JSON(parsing: Array(data))
    }

    static func schema() throws -> JSON { try crd()[path: "spec", "versions"][0][path: "schema", "openAPIV3Schema"] }

    @Test func namesAndVersion() throws {
        let crd = try Self.crd()
        #expect(crd[path: "metadata", "name"] == "apps.doze.dev")
        #expect(crd[path: "spec", "group"] == "doze.dev" && crd[path: "spec", "scope"] == "Namespaced")
        let names = crd[path: "spec", "names"]
        #expect(names["kind"] == "App" && names["plural"] == "apps" && names["singular"] == "app")
        #expect(names["shortNames"] == ["dapp"])
        let versions = try #require(crd[path: "spec", "versions"].array)
        #expect(versions.count == 1)
        #expect(versions[0]["name"] == "v1alpha1" && versions[0]["served"] == true && versions[0]["storage"] == true)
        #expect(versions[0]["subresources"] == ["status": .emptyObject], "status only; no scale subresource")
        let columns = (versions[0]["additionalPrinterColumns"].array ?? []).compactMap { $0["name"].string }
        #expect(columns == ["URL", "State", "Ready", "Replicas", "Age"])
        #expect("\(App.apiVersion)" == "\(crd[path: "spec", "group"].string!)/\(versions[0]["name"].string!)")
    }

    @Test func schemaIsStructuralAndDescribed() throws {
        let schema = try Self.schema()
        #expect(schema["type"] == "object")
        #expect(SchemaCheck.structuralProblems(schema) == [])
        #expect(SchemaCheck.undescribed(schema["properties"]["spec"], path: "spec") == [])
        #expect(SchemaCheck.undescribed(schema["properties"]["status"], path: "status") == [])
    }

    /// The CRD's defaults and the parser's (used when a spec arrives without them) are the same.
    @Test func defaultsAgreeWithTheParser() throws {
        let spec = try Self.schema()[path: "properties", "spec", "properties"]
        let parsed = try App(parsing: ["metadata": ["name": "a", "namespace": "n"], "spec": ["image": "x"]]).spec
        #expect(spec[path: "port", "default"].int == parsed.port)
        #expect(spec[path: "health", "default"].string == parsed.health)
        #expect(spec[path: "route", "properties", "path", "default"].string == parsed.route.path)
        #expect(spec[path: "route", "properties", "stripPath", "default"].bool == parsed.route.stripPath)
        let scaling = spec[path: "scaling", "properties"]
        #expect(scaling[path: "minReplicas", "default"].int == parsed.scaling.minReplicas)
        #expect(scaling[path: "scaleToZero", "default"].bool == parsed.scaling.scaleToZero)
        #expect(scaling[path: "idleTimeout", "default"].string.flatMap(AppDuration.init(parsing:)) == parsed.scaling.idleTimeout)
        #expect(scaling[path: "startupTimeout", "default"].string.flatMap(AppDuration.init(parsing:)) == parsed.scaling.startupTimeout)
        #expect(scaling[path: "requestTimeout", "default"].string.flatMap(AppDuration.init(parsing:)) == parsed.scaling.requestTimeout)
        #expect(scaling[path: "targetConcurrency", "default"].int == parsed.scaling.targetConcurrency)
        // No default for retain: it would be set on secretTemplate entries too and break the rule
        // that only named volumes have it. Absent means true (the parser's default).
        #expect(spec[path: "volumes", "items", "properties", "retain", "default"].isNull)
    }

    @Test(arguments: try GoldenFiles.names().filter { $0.hasSuffix(".app.json") })
    func goldenAppsValidate(_ file: String) throws {
        let app = try #require(try GoldenFiles.read(file))
        #expect(SchemaCheck.errors(app, try Self.schema()) == [])
    }

    /// The Apps under examples/ (YAML, read with KubeClient's parser) fit the schema too.
    @Test(arguments: ExamplesTests.exampleFiles)
    func exampleAppsValidate(_ path: String) throws {
        let text = try String(contentsOf: ExamplesTests.root.appendingPathComponent(path), encoding: .utf8)
        let docs = try text.components(separatedBy: "\n---\n").map { try YAML.parse($0, source: path) }
        for app in docs where app["kind"].string == "App" {
            #expect(SchemaCheck.errors(app, try Self.schema()) == [], "\(path)")
            #expect(try CRDRuleTests.check(app) == [], "\(path)")
        }
    }

    /// The schema turns away what the parser turns away, where a schema can tell.
    @Test(arguments: [
        (#"{"image":"x","port":70000}"#, "spec.port: above 65535.0"),
        (#"{"image":"x","containerOptions":{"memory":"12x"}}"#, #"spec.containerOptions.memory: "12x" does not match"#),
        (#"{"image":"x","containerOptions":{"cpu-shares":"1"}}"#, "spec.containerOptions.cpu-shares: field not declared in schema"),
        (#"{"image":"x","route":{"path":"/a/"}}"#, #"spec.route.path: "/a/" does not match"#),
        (#"{"image":"x","route":{"host":"Bad.Host"}}"#, #"spec.route.host: "Bad.Host" does not match"#),
        (#"{"image":"x","scaling":{"idleTimeout":"3 minutes"}}"#, #"spec.scaling.idleTimeout: "3 minutes" does not match"#),
        (#"{"image":"x","volumes":[{"name":"a","mountPath":"/d"},{"name":"b","mountPath":"/d"}]}"#, "spec.volumes: duplicate entries"),
        (#"{}"#, "spec.image: required"),
    ])
    func schemaRejects(_ spec: String, _ messagePrefix: String) throws {
        let app = try AppValidationTests.app(spec: spec)
        let errors = SchemaCheck.errors(app, try Self.schema())
        #expect(errors.count == 1 && errors[0].hasPrefix(messagePrefix), "\(errors)")
        #expect(throws: InvalidSpec.self) { try App(parsing: app) }
    }

    /// The CRD patterns and the parsers agree on well-formedness (ranges aside).
    @Test func patternsAgreeWithParsers() throws {
        let spec = try Self.schema()[path: "properties", "spec", "properties"]
        let duration = spec[path: "scaling", "properties", "idleTimeout", "pattern"].string!
        for s in ["180s", "3m", "1h30m", "500ms", "1.5h", "3", "3 m", "1d", "m", "1.s", "-1s"] {
            #expect(SchemaCheck.matches(s, duration) == (AppDuration(parsing: s) != nil), "\(s)")
        }
        let memory = spec[path: "containerOptions", "properties", "memory", "pattern"].string!
        for s in ["512m", "1g", "512Mi", "1G", "500M", "64k", "1.5g", "512mb", "12x", "1K", "1mi", "Mi", "1gg", "1 g"] {
            #expect(SchemaCheck.matches(s, memory) == (Quantity.bytes(.string(s)) != nil), "\(s)")
        }
        let cpus = spec[path: "containerOptions", "properties", "cpus", "pattern"].string!
        for s in ["2", "0.5", "500m", "1.5", "0.001", "1.5m", ".5", "abc", "1e3", "0.0001"] {
            #expect(SchemaCheck.matches(s, cpus) == (Quantity.cpuMillis(s) != nil), "\(s)")
        }
    }
}
