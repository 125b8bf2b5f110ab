import DozeJSON
import Foundation
import LocalCluster
import Testing
@testable import Controller

/// hack/bench-controller: many Apps at once on the in-process local cluster, reconciled by a
/// `doze controller` child process (so its memory and CPU are its own, apart from the cluster's).
/// Runs only with DOZE_BENCH_APPS set (the number of Apps); prints one `key=value` line.
@Suite struct ControllerBench {
    static let apps = Int(ProcessInfo.processInfo.environment["DOZE_BENCH_APPS"] ?? "") ?? 0
    /// The controller's client-side rate limit (`--kube-api-qps`, burst twice that); unset = its default.
    static let qps = Int(ProcessInfo.processInfo.environment["DOZE_BENCH_QPS"] ?? "")

    @Test(.enabled(if: apps > 0)) func manyApps() async throws {
        let n = Self.apps
        let cluster = try await TestCluster()
        let rateFlags = Self.qps.map { ["--kube-api-qps", "\($0)", "--kube-api-burst", "\($0 * 2)"] } ?? []
        let ctl = try ControllerProcess(cluster, identity: "bench", leaseDuration: "15s", extraArguments: rateFlags)
        let holder: @Sendable () -> String? = { cluster.get(.leases, "default", "doze-controller")?[path: "spec", "holderIdentity"].string }
        #expect(await cluster.eventually(timeout: 60) { holder() == "bench" })
        let readiness = try ReadyCounter(cluster.store, TestCluster.apps)
        let requestsBefore = cluster.requestCount
        let cpuBefore = ctl.cpuSeconds
        let start = ContinuousClock.now
        for i in 0..<n {
            await cluster.createApp("app\(i)", namespace: "default", spec: ["image": "nginx", "route": ["path": .string("/a\(i)")]])
        }
        let allReady = await readiness.wait(for: n, timeout: 900)
        let readyAfter = start.duration(to: .now)
        let requests = cluster.requestCount - requestsBefore
        let cpuToReady = ctl.cpuSeconds - cpuBefore
        let writesAtReady = cluster.reconcileWrites.count
        try await Task.sleep(for: .seconds(10))  // a measuring window, not a wait for an event
        let quietWrites = cluster.reconcileWrites.count - writesAtReady
        #expect(allReady)
        let secs = Double(readyAfter.components.seconds) + Double(readyAfter.components.attoseconds) / 1e18
        print("apps=\(n) kube_api_qps=\(Self.qps.map(String.init) ?? "default") all_ready=\(allReady) seconds_to_ready=\(String(format: "%.2f", secs)) "
              + "requests_per_app=\(String(format: "%.1f", Double(requests) / Double(n))) "
              + "writes_per_app=\(String(format: "%.1f", Double(writesAtReady) / Double(n))) "
              + "writes_per_min_converged=\(quietWrites * 6) "
              + "controller_cpu_seconds=\(String(format: "%.2f", cpuToReady)) "
              + "controller_rss_kb=\(ctl.status("VmRSS")) controller_peak_rss_kb=\(ctl.status("VmHWM")) "
              + "process_rss_kb=\(Self.ownStatus("VmRSS"))")
        await ctl.kill(SIGTERM)
        await cluster.stop()
    }

    static func ownStatus(_ field: String) -> String { ControllerProcess.statusField(field, of: "/proc/self/status") }
}
