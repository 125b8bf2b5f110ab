import DozeJSON
import Foundation

/// Golden files: inputs and expected outputs under Tests/ControllerTests/Golden/, read through
/// `Bundle.module`. Run with DOZE_UPDATE_GOLDEN=1 to rewrite the expected outputs in the source tree
/// from what the code renders now (then review the diff with git, and rebuild so that the bundle
/// copy the next run reads is refreshed).
enum GoldenFiles {
    static var updating: Bool { ProcessInfo.processInfo.environment["DOZE_UPDATE_GOLDEN"] == "1" }

    /// The Golden directory in the source tree, where updates are written.
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var bundleDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Golden")
    }

    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: bundleDirectory.path).sorted()
    }

    static func read(_ name: String) throws -> JSON? {
        let url = bundleDirectory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try JSON(parsing: Array(data))
    }

    static func write(_ name: String, _ value: JSON) throws {
        let text = value.prettyPrinted() + "\n"
        try text.write(to: sourceDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    static func remove(_ name: String) throws {
        try FileManager.default.removeItem(at: sourceDirectory.appendingPathComponent(name))
    }
}

/// Differences between two JSON trees, one line per differing path, so that a failing golden test
/// says `spec.template.spec.containers[0].env[3].value: expected "a", got "b"` rather than
/// printing two walls of JSON.
enum JSONDiff {
    static func lines(expected: JSON, actual: JSON, path: String = "") -> [String] {
        switch (expected, actual) {
        case (.object(let e), .object(let a)):
            return Set(e.keys).union(a.keys).sorted().flatMap { key in
                let p = path.isEmpty ? key : "\(path).\(key)"
                switch (e[key], a[key]) {
                case (nil, let av?): return ["\(p): unexpected \(av.serialized())"]
                case (let ev?, nil): return ["\(p): missing, expected \(ev.serialized())"]
                case (let ev?, let av?): return lines(expected: ev, actual: av, path: p)
                default: return []
                }
            }
        case (.array(let e), .array(let a)) where e.count == a.count:
            return zip(e, a).enumerated().flatMap { i, pair in lines(expected: pair.0, actual: pair.1, path: "\(path)[\(i)]") }
        default:
            return expected == actual ? [] : ["\(path): expected \(expected.serialized()), got \(actual.serialized())"]
        }
    }
}
