import Testing
@testable import Proxy

@Suite struct ProxyOptionsTests {
    @Test func parsesEveryFlag() throws {
        let o = try ProxyOptions.parse(["--port", "0", "--admin-port=0", "--static-routes", "r.json",
                                        "--trusted-proxies", "10.0.0.0/8,::1", "--loops", "2", "--bind", "0.0.0.0",
                                        "--connect-timeout", "0.5", "--shutdown-grace", "3"])
        #expect(o.port == 0 && o.adminPort == 0)
        #expect(o.staticRoutes == "r.json")
        #expect(o.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(o.loops == 2 && o.bindHost == "0.0.0.0")
        #expect(o.connectTimeout == 0.5 && o.shutdownGrace == 3)
        let wake = try ProxyOptions.parse(["--wake-queue", "50", "--wake-admit=2"])
        #expect(wake.wakeQueue == 50 && wake.wakeAdmit == 2)
        #expect(ProxyOptions().wakeQueue == 1000 && ProxyOptions().wakeAdmit == 8)
    }

    @Test func clusterFlags() throws {
        let o = try ProxyOptions.parse(["--kubeconfig", "/tmp/kc", "--context", "dev", "--namespace", "a", "-n", "b",
                                        "--replica-id=proxy-0"])
        #expect(o.kubeconfig == "/tmp/kc" && o.context == "dev" && o.namespaces == ["a", "b"] && o.replicaID == "proxy-0")
        #expect(o.routesApps)
        #expect(try ProxyOptions.parse(["--static-routes", "r.json"]).routesApps == false)
        #expect(try ProxyOptions.parse(["--static-routes", "r.json", "--kubeconfig", "k"]).routesApps)
        #expect(try ProxyOptions.parse([]).routesApps, "neither: in-cluster")
    }

    @Test(arguments: [
        (["--port"], "--port needs a value"),
        (["--port", "70000"], "--port: invalid port \"70000\""),
        (["--trusted-proxies", "10.0.0.0/99"], "--trusted-proxies: invalid CIDR \"10.0.0.0/99\" (expected e.g. 10.0.0.0/8 or fd00::/8)"),
        (["--frobnicate"], "unknown option \"--frobnicate\""),
        (["--idle-timeout", "-1"], "--idle-timeout: expected seconds > 0, got \"-1\""),
        (["--wake-queue", "0"], "--wake-queue: expected a whole number from 1 to 1000000, got \"0\""),
        (["--wake-admit", "two"], "--wake-admit: expected a whole number from 1 to 10000, got \"two\""),
    ])
    func rejectsBadFlags(args: [String], message: String) {
        #expect(throws: ProxyOptionsError(message)) { try ProxyOptions.parse(args) }
    }
}
