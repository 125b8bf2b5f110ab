import DozeJSON
import Foundation
import KubeClient
import Testing
@testable import Controller

/// Every App under examples/ must pass the controller's own validation (the CRD's schema is
/// checked separately by the local cluster), so the docs never show an App the controller rejects.
@Suite struct ExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var exampleFiles: [String] {
        let dir = root.appendingPathComponent("examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { "examples/\($0)/app.yaml" }
            .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    @Test func thereAreExamples() { #expect(Self.exampleFiles.count >= 6) }

    @Test(arguments: exampleFiles)
    func exampleAppIsValid(path: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
        let docs = try text.components(separatedBy: "\n---\n").map { try YAML.parse($0, source: path) }
        let apps = docs.filter { $0["kind"].string == "App" }
        #expect(apps.count == 1)
        for var app in apps {
            #expect(app["apiVersion"].string == "doze.dev/v1alpha1")
            if app["metadata"]["namespace"].isNull { app[path: "metadata", "namespace"] = "default" }  // as kubectl would
            do { _ = try App(parsing: app) } catch { Issue.record("\(path): \(error)") }
        }
    }
}
