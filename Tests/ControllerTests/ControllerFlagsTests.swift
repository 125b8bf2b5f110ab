import DozeJSON
import Foundation
import LocalCluster
import Testing

/// `doze controller`'s client rate-limit flags, through the binary as users run it.
@Suite struct ControllerFlagsTests {
    @Test(arguments: [(["--kube-api-qps", "0"], "--kube-api-qps: 0 is not a positive number"),
                      (["--kube-api-qps=fast"], "--kube-api-qps: fast is not a positive number"),
                      (["--kube-api-burst", "0"], "--kube-api-burst: 0 is not a positive integer")])
    func badRateLimitsAreRefusedNamingTheFlag(args: [String], message: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ControllerProcess.dozeBinary)
        p.arguments = ["controller"] + args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(text.contains(message), "\(text)")
    }

    /// A low limit still reconciles (the flags reach the client rather than being parsed and dropped).
    @Test func aControllerWithALowRateLimitStillReconciles() async throws {
        let cluster = try await TestCluster()
        let ctl = try ControllerProcess(cluster, identity: "slow", leaseDuration: "15s",
                                        extraArguments: ["--kube-api-qps", "5", "--kube-api-burst", "5"])
        await cluster.createApp("limited", namespace: "default", spec: ["image": "nginx"])
        #expect(await cluster.eventually(timeout: 60) { cluster.get(.deployments, "default", "limited") != nil })
        await ctl.kill(SIGTERM)
        await cluster.stop()
    }
}
