import DozeJSON
import Foundation
import Testing
@testable import LocalCluster

/// The App CRD (deploy/crds/doze.dev_apps.json) under the local cluster's own schema machinery:
/// it must be structural, and every golden App input of the controller's renderer tests must pass
/// pruning and validation unchanged, so the examples the renderers are tested on are Apps a
/// cluster accepts. (CEL rules are not evaluated yet by the local cluster; see CELExpression.)
@Suite struct AppCRDSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../..").standardized

    static func readJSON(_ relative: String) throws -> JSON {
        let path = root.appendingPathComponent(relative).path
        let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
        return try JSON(parsing: Array(data))
    }

    static func schema() throws -> StructuralSchema {
        let crd = try readJSON("deploy/crds/doze.dev_apps.json")
        return try StructuralSchema(json: crd[path: "spec", "versions"][0][path: "schema", "openAPIV3Schema"])
    }

    static let goldenApps: [String] = {
        let dir = root.appendingPathComponent("Tests/ControllerTests/Golden").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".app.json") }.sorted()
    }()

    @Test func isStructural() throws {
        #expect(try Self.schema().structuralErrors().map(\.description) == [])
    }

    @Test func thereAreGoldenApps() { #expect(Self.goldenApps.count >= 10) }

    @Test(arguments: goldenApps) func goldenAppIsAccepted(_ name: String) throws {
        let schema = try Self.schema()
        let app = try Self.readJSON("Tests/ControllerTests/Golden/\(name)")
        let (pruned, unknown) = schema.prune(app)
        #expect(unknown == [])
        #expect(pruned == app)
        let defaulted = schema.applyDefaults(pruned)
        #expect(schema.validate(defaulted).map(\.description) == [])
    }

    /// A bare App gains the documented defaults, nested ones included (scaling and route default
    /// to {} so that their fields' defaults apply).
    @Test func defaultsFillABareApp() throws {
        let app: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                         "metadata": ["name": "a", "namespace": "n"], "spec": ["image": "x"]]
        let spec = try Self.schema().applyDefaults(app)["spec"]
        #expect(spec["port"] == 8000 && spec["health"] == "/")
        #expect(spec["route"] == ["path": "/", "stripPath": true])
        #expect(spec["scaling"] == ["minReplicas": 1, "scaleToZero": true, "idleTimeout": "180s",
                                    "startupTimeout": "120s", "requestTimeout": "300s", "targetConcurrency": 100])
    }

    @Test(arguments: [
        (#"{"image":"x","port":70000}"#, "spec.port"),
        (#"{"image":"x","containerOptions":{"memory":"12x"}}"#, "spec.containerOptions.memory"),
        (#"{"image":"x","containerOptions":{"cpus":"0.0001"}}"#, "spec.containerOptions.cpus"),
        (#"{"image":"x","route":{"path":"/a/"}}"#, "spec.route.path"),
        (#"{"image":"x","route":{"host":"*.Bad"}}"#, "spec.route.host"),
        (#"{"image":"x","scaling":{"idleTimeout":"3 minutes"}}"#, "spec.scaling.idleTimeout"),
        (#"{"image":"x","volumes":[{"name":"a","mountPath":"/d"},{"name":"b","mountPath":"/d"}]}"#, "spec.volumes[1]"),
        (#"{"image":"x","secrets":{"K":{"secretName":"s"}}}"#, "spec.secrets.K.key"),
    ])
    func rejects(_ spec: String, _ field: String) throws {
        let schema = try Self.schema()
        var app: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App", "metadata": ["name": "a", "namespace": "n"]]
        app["spec"] = try JSON(parsing: spec)
        let causes = schema.validate(schema.applyDefaults(app))
        #expect(causes.map(\.field) == [field], "\(causes)")
    }
}
