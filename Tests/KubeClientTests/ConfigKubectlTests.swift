import Foundation
import Testing
@testable import KubeClient

/// kubeconfig files written by real kubectl (oldest and newest shipped), loaded and resolved.
@Suite struct ConfigKubectlTests {
    static let versions = ["1.27", "1.33"]
    /// One kubeconfig per kubectl version, written once and shared by the tests (kubectl is slow to
    /// start); the directory lives until the test process ends.
    static let written: [String: Task<String, Error>] = Dictionary(uniqueKeysWithValues: versions.map { v in
        (v, Task { try await ConfigKubectlTests().writeKubeconfig(version: v, dir: ConfigTestSupport.tempDirectory("kubectl")) })
    })
    let ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"
    let cert = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n"
    let key = "-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----\n"

    /// Writes CA and client files, then a kubeconfig through `kubectl config ...` run in `dir`
    /// (so relative paths stay relative in the file).
    func writeKubeconfig(version: String, dir: String) async throws -> String {
        let kubectl = try ConfigTestSupport.kubectlDirectory() + "/kubectl.\(version)"
        try ConfigTestSupport.write(ca, to: dir + "/ca.pem")
        try ConfigTestSupport.write(cert, to: dir + "/client.pem")
        try ConfigTestSupport.write(key, to: dir + "/client.key")
        let config = dir + "/config"
        let steps: [[String]] = [
            ["set-cluster", "files", "--server=https://127.0.0.1:6443", "--certificate-authority=ca.pem"],
            ["set-cluster", "embedded", "--server=https://10.0.0.2/", "--certificate-authority=ca.pem", "--embed-certs=true"],
            ["set-cluster", "insecure", "--server=https://[::1]:8443", "--insecure-skip-tls-verify=true"],
            ["set-credentials", "tok", "--token=s3cr3t"],
            ["set-credentials", "certs", "--client-certificate=client.pem", "--client-key=client.key", "--embed-certs=true"],
            ["set-credentials", "certfiles", "--client-certificate=client.pem", "--client-key=client.key"],
            ["set-credentials", "ex", "--exec-command=./plugin.sh", "--exec-arg=--flag", "--exec-arg=two words",
             "--exec-env=A=1", "--exec-env=B=x=y", "--exec-api-version=client.authentication.k8s.io/v1beta1"],
            ["set-credentials", "basic", "--username=admin", "--password=pw"],
            ["set", "users.tf.tokenFile", "token.txt"],
            ["set-context", "ctx-tok", "--cluster=files", "--user=tok", "--namespace=team-a"],
            ["set-context", "ctx-certs", "--cluster=embedded", "--user=certs"],
            ["set-context", "ctx-files", "--cluster=files", "--user=certfiles"],
            ["set-context", "ctx-exec", "--cluster=insecure", "--user=ex"],
            ["set-context", "ctx-basic", "--cluster=files", "--user=basic"],
            ["set-context", "ctx-tf", "--cluster=files", "--user=tf"],
            ["set-context", "ctx-nouser", "--cluster=embedded"],
            ["set-context", "ctx-ghost", "--cluster=nowhere", "--user=tok"],
            ["set-context", "ctx-ghost-user", "--cluster=files", "--user=nobody"],
            ["use-context", "ctx-tok"],
        ]
        for step in steps {
            try await ConfigTestSupport.run(kubectl, ["config"] + step + ["--kubeconfig", config], in: dir)
        }
        return config
    }

    @Test(arguments: versions)
    func resolvesEveryAuthMethod(version: String) async throws {
        let path = try await Self.written[version]!.value
        let dir = (path as NSString).deletingLastPathComponent

        let current = try KubeConfig.load(kubeconfig: path)
        #expect(current.server.absoluteString == "https://127.0.0.1:6443")
        #expect(current.namespace == "team-a")
        #expect(current.credentials == .token("s3cr3t"))
        #expect(current.tls.caPEM == Array(ca.utf8), "relative CA path resolved against the file's directory")
        #expect(current.source.contains("ctx-tok"))
        #expect(try await current.makeAuthorizationProvider().authorization() == "Bearer s3cr3t")

        let certs = try KubeConfig.load(kubeconfig: path, context: "ctx-certs")
        #expect(certs.server.absoluteString == "https://10.0.0.2", "trailing slash trimmed")
        #expect(certs.namespace == "default")
        #expect(certs.tls.caPEM == Array(ca.utf8))
        #expect(certs.tls.clientCertificatePEM == Array(cert.utf8))
        #expect(certs.tls.clientKeyPEM == Array(key.utf8))
        #expect(certs.credentials == .none)
        #expect(certs.authDescription == "client certificate")

        let files = try KubeConfig.load(kubeconfig: path, context: "ctx-files")
        #expect(files.tls.clientCertificatePEM == Array(cert.utf8))
        #expect(files.tls.clientKeyPEM == Array(key.utf8))

        let exec = try KubeConfig.load(kubeconfig: path, context: "ctx-exec")
        #expect(exec.server.host == "::1" || exec.server.host == "[::1]")
        #expect(exec.server.port == 8443)
        #expect(exec.tls.insecureSkipVerify)
        #expect(exec.tls.caPEM == nil)
        guard case .exec(let plugin) = exec.credentials else { Issue.record("not exec: \(exec.credentials)"); return }
        #expect(plugin.command == "plugin.sh", "kubectl cleans ./plugin.sh to plugin.sh (a PATH lookup)")
        #expect(plugin.args == ["--flag", "two words"])
        #expect(plugin.env == ["A": "1", "B": "x=y"])
        #expect(plugin.apiVersion == "client.authentication.k8s.io/v1beta1")

        let basic = try KubeConfig.load(kubeconfig: path, context: "ctx-basic")
        #expect(basic.credentials == .basic(username: "admin", password: "pw"))
        #expect(basic.authDescription == "basic (user admin)")
        #expect(!basic.authDescription.contains("pw"))

        let tokenFile = try KubeConfig.load(kubeconfig: path, context: "ctx-tf")
        #expect(tokenFile.credentials == .tokenFile(dir + "/token.txt"))

        let noUser = try KubeConfig.load(kubeconfig: path, context: "ctx-nouser")
        #expect(noUser.credentials == .none && !noUser.tls.hasClientCertificate)
    }

    @Test(arguments: versions)
    func namesWhatIsMissing(version: String) async throws {
        let dir = try ConfigTestSupport.tempDirectory("kubectl")
        defer { ConfigTestSupport.remove(dir) }
        let path = dir + "/config"
        try FileManager.default.copyItem(atPath: try await Self.written[version]!.value, toPath: path)

        let ghost = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: path, context: "ctx-ghost") }
        #expect(ghost?.description == "context 'ctx-ghost' names cluster 'nowhere', which is not defined")
        let ghostUser = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: path, context: "ctx-ghost-user") }
        #expect(ghostUser?.description == "context 'ctx-ghost-user' names user 'nobody', which is not defined")
        let missing = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: path, context: "nope") }
        #expect(missing?.description == "context 'nope' not found in \(path)")

        // The same file without a current context.
        let kubectl = try ConfigTestSupport.kubectlDirectory() + "/kubectl.\(version)"
        try await ConfigTestSupport.run(kubectl, ["config", "unset", "current-context", "--kubeconfig", path])
        let none = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: path) }
        #expect(none?.isNoCurrentContext == true)
        #expect(none?.description.contains(path) == true)
    }
}
