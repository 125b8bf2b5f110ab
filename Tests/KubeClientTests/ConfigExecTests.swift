import DozeJSON
import Foundation
import Testing
@testable import KubeClient

/// Exec credential plugins: a shell script that counts its runs and reports what it was given.
@Suite struct ConfigExecTests {
    static let plugin = """
        #!/bin/sh
        dir="$(dirname "$0")"
        echo run >> "$dir/count"
        n=$(wc -l < "$dir/count" | tr -d ' ')
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/info.json"
        printf '%s\\n' "$@" > "$dir/args"
        [ -n "$FAIL" ] && { echo "plugin failing" >&2; exit 3; }
        exp=""
        [ -n "$EXPIRY" ] && exp=",\\"expirationTimestamp\\":\\"$EXPIRY\\""
        printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"tok-%s"%s}}' "$ANSWER_VERSION" "$n" "$exp"
        """

    struct Setup {
        let dir: String
        let config: KubeConfig
        func runs() -> Int { ((try? ConfigTestSupport.read(dir + "/count")) ?? "").split(separator: "\n").count }
    }

    func setup(apiVersion: String, env: [String: String] = [:], provideClusterInfo: Bool = false) throws -> Setup {
        let dir = try ConfigTestSupport.tempDirectory("exec")
        try ConfigTestSupport.write(Self.plugin, to: dir + "/plugin.sh", mode: 0o755)
        let exec = ExecConfig(command: dir + "/plugin.sh", args: ["--cluster", "two words"],
                              env: ["ANSWER_VERSION": apiVersion].merging(env) { _, b in b },
                              apiVersion: apiVersion, installHint: nil, provideClusterInfo: provideClusterInfo)
        let config = KubeConfig(server: URL(string: "https://api.example:6443")!, credentials: .exec(exec))
        return Setup(dir: dir, config: config)
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func cachesUntilExpiryAndRerunsOnInvalidate(apiVersion: String) async throws {
        let s = try setup(apiVersion: apiVersion, env: ["EXPIRY": "2030-01-01T00:00:00Z"])
        defer { ConfigTestSupport.remove(s.dir) }
        let clock = ConfigTestClock(date: ExecCredential.parseTimestamp("2029-12-31T23:00:00Z")!)
        guard case .exec(let exec) = s.config.credentials else { return }
        let auth = ExecAuthorization(exec, cluster: s.config, now: { clock.today() })

        #expect(try await auth.authorization() == "Bearer tok-1")
        #expect(try await auth.authorization() == "Bearer tok-1")
        #expect(s.runs() == 1, "cached until expirationTimestamp")
        clock.advance(3599)
        #expect(try await auth.authorization() == "Bearer tok-1")
        clock.advance(2)
        #expect(try await auth.authorization() == "Bearer tok-2", "re-run after expiry")
        await auth.invalidate()
        #expect(try await auth.authorization() == "Bearer tok-3", "re-run after invalidate (a 401)")
        #expect(s.runs() == 3)

        let info = try JSON(parsing: ConfigTestSupport.read(s.dir + "/info.json"))
        #expect(info["apiVersion"].string == apiVersion)
        #expect(info["kind"].string == "ExecCredential")
        #expect(info[path: "spec", "interactive"] == .bool(false))
        #expect(info[path: "spec", "cluster"].isNull)
        #expect(try ConfigTestSupport.read(s.dir + "/args") == "--cluster\ntwo words\n")
    }

    @Test func withoutExpiryCachedUntilInvalidateAndSharedByConcurrentCallers() async throws {
        let s = try setup(apiVersion: "client.authentication.k8s.io/v1", provideClusterInfo: true)
        defer { ConfigTestSupport.remove(s.dir) }
        let auth = s.config.makeAuthorizationProvider()
        let headers = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try await auth.authorization() } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(Set(headers) == ["Bearer tok-1"])
        #expect(s.runs() == 1, "one run for concurrent callers")
        #expect(try await auth.authorization() == "Bearer tok-1")
        await auth.invalidate()
        #expect(try await auth.authorization() == "Bearer tok-2")
        let info = try JSON(parsing: ConfigTestSupport.read(s.dir + "/info.json"))
        #expect(info[path: "spec", "cluster", "server"].string == "https://api.example:6443")
    }

    @Test func pluginFailuresAreErrors() async throws {
        let failing = try setup(apiVersion: "client.authentication.k8s.io/v1", env: ["FAIL": "1"])
        defer { ConfigTestSupport.remove(failing.dir) }
        let e1 = await #expect(throws: ExecPluginError.self) { try await failing.config.makeAuthorizationProvider().authorization() }
        #expect(e1?.description.hasSuffix("exited with status 3") == true)

        // The plugin answers v1beta1 while the kubeconfig asked for v1.
        let mismatched = try setup(apiVersion: "client.authentication.k8s.io/v1",
                                   env: ["ANSWER_VERSION": "client.authentication.k8s.io/v1beta1"])
        defer { ConfigTestSupport.remove(mismatched.dir) }
        let e2 = await #expect(throws: ExecPluginError.self) { try await mismatched.config.makeAuthorizationProvider().authorization() }
        #expect(e2?.description.contains("does not match") == true)

        let missing = KubeConfig(server: URL(string: "https://h")!, credentials: .exec(ExecConfig(
            command: "doze-no-such-plugin", installHint: "install it with: apt-get install doze-plugin")))
        let e3 = await #expect(throws: ExecPluginError.self) { try await missing.makeAuthorizationProvider().authorization() }
        #expect(e3?.description == "exec plugin 'doze-no-such-plugin' not found: install it with: apt-get install doze-plugin")

        let interactive = KubeConfig(server: URL(string: "https://h")!, credentials: .exec(ExecConfig(
            command: "/bin/true", interactiveMode: "Always")))
        await #expect(throws: ExecPluginError.self) { try await interactive.makeAuthorizationProvider().authorization() }
    }

    @Test func decodesExecCredentials() throws {
        let v1 = "client.authentication.k8s.io/v1"
        func decode(_ s: String) throws -> ExecCredential { try ExecCredential.decode(Data(s.utf8), expectedVersion: v1) }
        let c = try decode(#"{"apiVersion":"\#(v1)","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00+01:00"}}"#)
        #expect(c.token == "t" && c.expiration == ExecCredential.parseTimestamp("2029-12-31T23:00:00Z"))
        #expect(throws: ExecPluginError.self) { try decode(#"{"apiVersion":"\#(v1)","kind":"ExecCredential","status":{}}"#) }
        #expect(throws: ExecPluginError.self) { try decode(#"{"apiVersion":"\#(v1)","kind":"Other","status":{"token":"t"}}"#) }
        #expect(throws: ExecPluginError.self) { try decode(#"{"apiVersion":"\#(v1)","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"soon"}}"#) }
        #expect(throws: ExecPluginError.self) { try decode("not json") }
        #expect(try decode(#"{"apiVersion":"\#(v1)","kind":"ExecCredential","status":{"token":"t"}}"# + "\n").token == "t")
    }
}
