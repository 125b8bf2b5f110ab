import DozeJSON
import Foundation
import LocalCluster
import Testing
@testable import Controller

/// hack/bench-controller: many Apps at once on the in-process local cluster. Runs only with
/// DOZE_BENCH_APPS set (the number of Apps); prints one `key=value` line.
@Suite struct ControllerBench {
    static let apps = Int(ProcessInfo.processInfo.environment["DOZE_BENCH_APPS"] ?? "") ?? 0

    @Test(.enabled(if: apps > 0)) func manyApps() async throws {
        let n = Self.apps
        let cluster = try await TestCluster()
        let ctl = RunningController(cluster, lease: .seconds(15))
        #expect(await cluster.eventually { ctl.controller.isLeader })
        let readiness = try ReadyCounter(cluster.store, TestCluster.apps)
        let requestsBefore = cluster.requestCount
        let start = ContinuousClock.now
        for i in 0..<n {
            await cluster.createApp("app\(i)", namespace: "default", spec: ["image": "nginx", "route": ["path": .string("/a\(i)")]])
        }
        let allReady = await readiness.wait(for: n, timeout: 600)
        let readyAfter = start.duration(to: .now)
        let requests = cluster.requestCount - requestsBefore
        let writesAtReady = cluster.reconcileWrites.count
        try await Task.sleep(for: .seconds(10))  // a measuring window, not a wait for an event
        let quietWrites = cluster.reconcileWrites.count - writesAtReady
        let rss = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
            .split(separator: " ").dropFirst().first.map(String.init) ?? "?"
        #expect(allReady)
        let secs = Double(readyAfter.components.seconds) + Double(readyAfter.components.attoseconds) / 1e18
        print("apps=\(n) all_ready=\(allReady) seconds_to_ready=\(String(format: "%.2f", secs)) "
              + "requests_per_app=\(String(format: "%.1f", Double(requests) / Double(n))) "
              + "writes_per_app=\(String(format: "%.1f", Double(writesAtReady) / Double(n))) "
              + "writes_per_min_converged=\(quietWrites * 6) rss_kb_process=\(rss)")
        await ctl.stop()
        await cluster.stop()
    }
}
