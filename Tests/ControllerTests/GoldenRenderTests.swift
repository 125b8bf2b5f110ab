import DozeJSON
import Foundation
import Testing
@testable import Controller

/// One row per golden case: `Golden/<case>.app.json` is rendered with these inputs and each child
/// compared with `Golden/<case>.<kind>[.<name>].json`. DOZE_UPDATE_GOLDEN=1 rewrites the outputs.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    var replicas: DesiredReplicas = .count(1)
    var context = RenderContext(baseURL: "http://apps.local:8080/")

    var testDescription: String { name }
}

@Suite struct GoldenRenderTests {
    static let cases: [GoldenCase] = [
        GoldenCase(name: "minimal"),
        GoldenCase(name: "params-secrets"),
        GoldenCase(name: "resources-docker"),
        GoldenCase(name: "resources-kube"),
        GoldenCase(name: "resources-decimal"),
        GoldenCase(name: "resources-si"),
        GoldenCase(name: "volume-claim", replicas: .count(2)),
        GoldenCase(name: "secret-template"),
        GoldenCase(name: "unstripped-path"),
        GoldenCase(name: "host-route", context: RenderContext(baseURL: "http://unused", hostScheme: "https")),
        GoldenCase(name: "hpa", replicas: .autoscaler),
        GoldenCase(name: "asleep", replicas: .count(0)),
        GoldenCase(name: "issue-example"),
    ]

    /// The expected files of a case, keyed by file name.
    static func outputs(_ c: GoldenCase, _ r: RenderedApp) -> [String: JSON] {
        var files: [String: JSON] = ["\(c.name).deployment.json": r.deployment, "\(c.name).service.json": r.service]
        for pvc in r.claims { files["\(c.name).pvc.\(pvc[path: "metadata", "name"].string!).json"] = pvc }
        for s in r.secrets { files["\(c.name).secret.\(s[path: "metadata", "name"].string!).json"] = s }
        if !r.warnings.isEmpty { files["\(c.name).warnings.json"] = JSON(r.warnings) }
        return files
    }

    @Test(arguments: cases) func rendersGolden(_ c: GoldenCase) throws {
        let input = try #require(try GoldenFiles.read("\(c.name).app.json"), "missing Golden/\(c.name).app.json")
        let app = try App(parsing: input)
        let rendered = app.render(c.context, replicas: c.replicas)
        #expect(rendered == app.render(c.context, replicas: c.replicas), "rendering is deterministic")
        let actual = Self.outputs(c, rendered)
        let existing = try GoldenFiles.names().filter { $0.hasPrefix("\(c.name).") && $0 != "\(c.name).app.json" }
        if GoldenFiles.updating {
            for name in existing where actual[name] == nil { try GoldenFiles.remove(name) }
            for (name, value) in actual { try GoldenFiles.write(name, value) }
            return
        }
        for name in existing where actual[name] == nil {
            Issue.record("Golden/\(name) exists but nothing rendered it (DOZE_UPDATE_GOLDEN=1 removes it)")
        }
        for name in actual.keys.sorted() {
            guard let expected = try GoldenFiles.read(name) else {
                Issue.record("Golden/\(name) is missing; rendered:\n\(actual[name]!.prettyPrinted())")
                continue
            }
            let diff = JSONDiff.lines(expected: expected, actual: actual[name]!)
            #expect(diff.isEmpty, "Golden/\(name) differs (DOZE_UPDATE_GOLDEN=1 rewrites it):\n\(diff.joined(separator: "\n"))")
        }
    }

    /// Every input file has a row, so a new case cannot be silently skipped.
    @Test func everyInputHasACase() throws {
        let inputs = try GoldenFiles.names().filter { $0.hasSuffix(".app.json") }.map { String($0.dropLast(".app.json".count)) }
        #expect(Set(inputs) == Set(Self.cases.map(\.name)))
    }
}
