import DozeJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import KubeClient

/// URLSession on Linux given a custom CA and client certificates through TLSHook, against a
/// Python HTTPS server that requires a client certificate signed by the test CA.
@Suite struct ConfigTLSTests {
    /// GET /version with the config's TLS installed; the server's JSON answer.
    func fetch(_ config: KubeConfig) async throws -> JSON {
        try TLSHook.install(for: config.server, options: config.tls)
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: config.server.appendingPathComponent("version"))
        request.timeoutInterval = 10
        if let header = try await config.makeAuthorizationProvider().authorization() {
            request.setValue(header, forHTTPHeaderField: "Authorization")
        }
        let (data, _) = try await session.data(for: request)
        return try JSON(parsing: String(decoding: data, as: UTF8.self))
    }

    @Test func theHookInterposesInTheTestBinary() async throws {
        #expect(TLSHook.isActive, "the test executable must export curl_multi_add_handle")
        let before = TLSHook.handlesSeen
        _ = try? await URLSession(configuration: .ephemeral).data(from: URL(string: "http://127.0.0.1:9/")!)
        #expect(TLSHook.handlesSeen > before, "URLSession's transfer went through the hook")
    }

    @Test(arguments: ["rsa", "ec"])
    func mutualTLSWithTheRightCAAndClientCertificate(keyType: String) async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        let tls = TLSOptions(caPEM: pki.caPEM, clientCertificatePEM: keyType == "rsa" ? pki.rsaCert : pki.ecCert,
                             clientKeyPEM: keyType == "rsa" ? pki.rsaKey : pki.ecKey)
        let configured = TLSHook.handlesConfigured
        let answer = try await fetch(KubeConfig(server: server.url, tls: tls, credentials: .token("t0k")))
        #expect(answer["gitVersion"].string == "v1.99.0-doze")
        #expect(answer["client"].string == (keyType == "rsa" ? "alice-rsa" : "bob-ec"))
        #expect(answer["authorization"].string == "Bearer t0k")
        #expect(TLSHook.handlesConfigured > configured)
    }

    @Test func theServerNameLocalhostIsCheckedToo() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        let url = URL(string: "https://localhost:\(server.port)")!
        let tls = TLSOptions(caPEM: pki.caPEM, clientCertificatePEM: pki.ecCert, clientKeyPEM: pki.ecKey)
        #expect(try await fetch(KubeConfig(server: url, tls: tls))["client"].string == "bob-ec")
    }

    /// kubeconfig tls-server-name: SNI and the certificate check use the name, the connection
    /// goes to the URL's host. The server's certificate names api.doze.test, not wrong.doze.test.
    @Test func tlsServerNameIsTheNameChecked() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        let url = URL(string: "https://localhost:\(server.port)")!
        var tls = TLSOptions(caPEM: pki.caPEM, clientCertificatePEM: pki.ecCert, clientKeyPEM: pki.ecKey,
                             serverName: "api.doze.test")
        #expect(try await gitVersion(KubeConfig(server: url, tls: tls)) == "v1.99.0-doze")
        tls.serverName = "wrong.doze.test"
        await #expect(throws: (any Error).self, "the certificate does not name wrong.doze.test") {
            try await fetch(KubeConfig(server: url, tls: tls))
        }
    }

    @Test func failsWithoutTheCA() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        let tls = TLSOptions(clientCertificatePEM: pki.rsaCert, clientKeyPEM: pki.rsaKey)
        await #expect(throws: URLError.self, "the test CA is not in the system store") {
            try await fetch(KubeConfig(server: server.url, tls: tls))
        }
    }

    @Test func failsWithoutAClientCertificate() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        await #expect(throws: (any Error).self, "the server requires a client certificate") {
            try await fetch(KubeConfig(server: server.url, tls: TLSOptions(caPEM: pki.caPEM)))
        }
    }

    @Test func insecureSkipVerifyTrustsAnyServer() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        let tls = TLSOptions(clientCertificatePEM: pki.ecCert, clientKeyPEM: pki.ecKey, insecureSkipVerify: true)
        #expect(try await fetch(KubeConfig(server: server.url, tls: tls))["client"].string == "bob-ec")
    }

    /// The whole path: a kubeconfig with embedded CA and client certificate, loaded, then probed.
    @Test func kubeconfigEndToEnd() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        func b64(_ b: [UInt8]) -> String { Data(b).base64EncodedString() }
        let yaml = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(b64(pki.caPEM))
                server: \(server.url.absoluteString)
              name: test
            contexts:
            - context:
                cluster: test
                user: admin
              name: test
            current-context: test
            users:
            - name: admin
              user:
                client-certificate-data: \(b64(pki.rsaCert))
                client-key-data: \(b64(pki.rsaKey))
            """
        let config = try KubeConfig.fromKubeconfig(text: yaml, path: "/virtual/config")
        #expect(try await gitVersion(config) == "v1.99.0-doze")
    }

    /// An exec plugin's client certificate reaches TLS: the request succeeds only with it.
    @Test func execPluginClientCertificate() async throws {
        let pki = try await ConfigTLSFixture.shared.value
        let server = try await pki.startServer()
        defer { server.stop() }
        let dir = try ConfigTestSupport.tempDirectory("execcert")
        defer { ConfigTestSupport.remove(dir) }
        let credential: JSON = [
            "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
            "status": ["clientCertificateData": .string(String(decoding: pki.ecCert, as: UTF8.self)),
                       "clientKeyData": .string(String(decoding: pki.ecKey, as: UTF8.self))],
        ]
        try ConfigTestSupport.write(credential.serialized(), to: dir + "/cred.json")
        try ConfigTestSupport.write("#!/bin/sh\ncat '\(dir)/cred.json'\n", to: dir + "/plugin", mode: 0o755)
        let config = KubeConfig(server: server.url, tls: TLSOptions(caPEM: pki.caPEM),
                                credentials: .exec(ExecConfig(command: dir + "/plugin")))
        #expect(try await gitVersion(config) == "v1.99.0-doze")
        #expect(try await fetchAfterExec(config)["client"].string == "bob-ec")
    }

    /// Through the real client (transport, TLSHook, authorization provider).
    private func gitVersion(_ config: KubeConfig) async throws -> String? {
        let client = try KubeClient(config: config, options: ClientOptions(retry: .none, requestTimeout: 10))
        return try await client.serverVersion()["gitVersion"].string
    }

    private func fetchAfterExec(_ config: KubeConfig) async throws -> JSON {
        let auth = config.makeAuthorizationProvider()
        _ = try await auth.authorization()  // runs the plugin, which installs its certificate
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, _) = try await session.data(from: config.server.appendingPathComponent("version"))
        return try JSON(parsing: String(decoding: data, as: UTF8.self))
    }
}
