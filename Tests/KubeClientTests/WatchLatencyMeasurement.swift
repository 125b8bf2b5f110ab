import DozeJSON
import Foundation
import Testing
@testable import KubeClient

/// Measures the delay from a watch line written by the server to the event seen by the consumer,
/// over 1,000 events, through the raw watch and through the Watcher. Prints the numbers (no
/// timing assertions: the machine is shared). The server writes each line only after the
/// consumer saw the previous one, so every delay is a lone line's latency, not queueing.
@Suite(.serialized) struct WatchLatencyMeasurement {
    static let events = 1000

    static func nowNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func server(acks: DispatchSemaphore) throws -> ScriptedServer {
        try ScriptedServer { req, conn in
            if req.query["watch"] == nil {
                conn.respond(200, json: listJSON([], rv: "1"))
                return
            }
            conn.startChunked()
            for i in 0..<events {
                var o = configMapJSON("cm-\(i)", rv: String(2 + i))
                o[path: "metadata", "annotations"] = ["written-at": JSON(String(nowNanos()))]
                conn.writeLine(watchLine("ADDED", o))
                _ = acks.wait(timeout: .now() + 5)
            }
            conn.endChunked()
        }
    }

    static func delayMicros(_ cm: ConfigMap) -> Double {
        let written = UInt64(cm.metadata.annotations["written-at"] ?? "0") ?? 0
        return Double(nowNanos() - written) / 1000
    }

    static func report(_ name: String, _ delays: [Double]) -> String {
        let sorted = delays.sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        let line = String(format: "watch-latency path=%@ events=%d median_us=%.0f p99_us=%.0f max_us=%.0f",
                          name, sorted.count, pct(0.5), pct(0.99), sorted.last ?? 0)
        print(line)
        return line
    }

    @Test func rawWatchDelay() async throws {
        let acks = DispatchSemaphore(value: 0)
        let server = try Self.server(acks: acks)
        defer { server.stop() }
        var delays: [Double] = []
        for try await event in try await makeClient(server).api(ConfigMap.self).watch() {
            if case .added(let cm) = event { delays.append(Self.delayMicros(cm)) }
            acks.signal()
        }
        #expect(delays.count == Self.events)
        _ = Self.report("raw", delays)
    }

    @Test func watcherDelay() async throws {
        let acks = DispatchSemaphore(value: 0)
        let server = try Self.server(acks: acks)
        defer { server.stop() }
        var delays: [Double] = []
        let watcher = makeClient(server).api(ConfigMap.self).watcher()
        for try await event in watcher {
            guard case .apply(let cm) = event else { continue }
            delays.append(Self.delayMicros(cm))
            acks.signal()
            if delays.count == Self.events { break }
        }
        #expect(delays.count == Self.events)
        _ = Self.report("watcher", delays)
    }
}
