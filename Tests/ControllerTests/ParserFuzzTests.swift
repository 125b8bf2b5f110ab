import DozeJSON
import Testing
@testable import Controller

/// Bad input never crashes the controller: random mutations of the golden Apps either parse and
/// render, or throw InvalidSpec with at least one problem. Seeded, so a failure reproduces.
@Suite struct ParserFuzzTests {
    /// SplitMix64: tiny, deterministic, good enough to pick mutations.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let oddValues: [JSON] = [
        .null, true, 0, -1, 65536, .int(Int64.max), 1.5, -0.0, 1e300, "", " ", "0", "-1", "1e9", "9999999999999999999Gi",
        "{{", "}}", "{{range $k, $v := .params}}", "{{end}}", "{{.params.X}}", "/", "//", "/a/../b", "*.", "é", "\u{0}",
        "512m", "1.5g", "0.0001", "1h30m", "500ms", [], [1, "a"], [:], ["k": "v"], ["name": "x", "mountPath": "/m"],
    ]

    static func mutate(_ v: JSON, _ rng: inout Rng, depth: Int = 0) -> JSON {
        switch v {
        case .object(var o) where !o.isEmpty && rng.below(4) != 0:
            let key = o.keys.sorted()[rng.below(o.count)]
            if rng.below(8) == 0 { o[key] = nil } else { o[key] = mutate(o[key]!, &rng, depth: depth + 1) }
            if rng.below(10) == 0 { o["extra\(rng.below(3))"] = oddValues[rng.below(oddValues.count)] }
            return .object(o)
        case .array(var a) where !a.isEmpty && rng.below(4) != 0:
            let i = rng.below(a.count)
            a[i] = mutate(a[i], &rng, depth: depth + 1)
            if rng.below(6) == 0 { a.append(a[rng.below(a.count)]) }
            return .array(a)
        default:
            return oddValues[rng.below(oddValues.count)]
        }
    }

    @Test func mutatedAppsNeverCrash() throws {
        let inputs = try GoldenFiles.names().filter { $0.hasSuffix(".app.json") }.compactMap { try GoldenFiles.read($0) }
        #expect(inputs.count >= 10)
        var rng = Rng(state: 0xD0_2E)
        var parsed = 0, rejected = 0
        for i in 0..<2000 {
            var app = inputs[i % inputs.count]
            for _ in 0...rng.below(3) { app["spec"] = Self.mutate(app["spec"], &rng) }
            do {
                let a = try App(parsing: app)
                let r = a.render(RenderContext(baseURL: "http://x"), replicas: .count(rng.below(3)))
                #expect(r.deployment[path: "metadata", "name"].string == a.name)
                parsed += 1
            } catch {
                #expect(!error.problems.isEmpty)
                rejected += 1
            }
        }
        // Both paths were exercised, so the test says something about each.
        #expect(parsed > 100 && rejected > 100, "parsed \(parsed), rejected \(rejected)")
    }
}
