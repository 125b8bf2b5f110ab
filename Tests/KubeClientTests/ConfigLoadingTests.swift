import Foundation
import Testing
@testable import KubeClient

/// Where the configuration comes from: KUBECONFIG merging, ~/.kube/config, in-cluster, and the
/// errors for files that cannot be used.
@Suite struct ConfigLoadingTests {
    let first = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shared
          cluster:
            server: https://first.example:6443
        - name: only-first
          cluster:
            server: https://only-first.example
        contexts:
        - name: a
          context:
            cluster: shared
        current-context: ""
        users: []
        """
    let second = """
        apiVersion: v1
        clusters:
        - name: shared
          cluster:
            server: https://second.example:6443
        - name: own
          cluster:
            server: https://own.example
            certificate-authority: certs/ca.pem
        contexts:
        - name: a
          context:
            cluster: own
        - name: b
          context:
            cluster: shared
            user: u
            namespace: from-second
        - name: c
          context:
            cluster: own
            user: u
        current-context: b
        users:
        - name: u
          user:
            token: second-token
        """

    @Test func mergesKubeconfigListLikeKubectl() throws {
        let dir = try ConfigTestSupport.tempDirectory("merge")
        defer { ConfigTestSupport.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/two/certs", withIntermediateDirectories: true)
        try ConfigTestSupport.write(first, to: dir + "/one.yaml")
        try ConfigTestSupport.write(second, to: dir + "/two/config")
        try ConfigTestSupport.write("CA-OF-TWO", to: dir + "/two/certs/ca.pem")
        let list = [dir + "/missing.yaml", dir + "/one.yaml", "", dir + "/two/config"].joined(separator: ":")
        let env = ["KUBECONFIG": list, "HOME": dir]

        // current-context: the first non-empty one (file two); cluster "shared": file one's.
        let b = try KubeConfig.load(environment: env)
        #expect(b.server.absoluteString == "https://first.example:6443")
        #expect(b.credentials == .token("second-token"))
        #expect(b.namespace == "from-second")
        // Context "a" is file one's (first wins), so it names cluster shared, not own.
        #expect(try KubeConfig.load(context: "a", environment: env).server.absoluteString == "https://first.example:6443")
        // A relative path resolves against the file that names it, not the first file.
        let c = try KubeConfig.load(context: "c", environment: env)
        #expect(c.server.absoluteString == "https://own.example")
        #expect(c.tls.caPEM == Array("CA-OF-TWO".utf8))
        #expect(c.source.contains(dir + "/one.yaml") && c.source.contains(dir + "/two/config"))
    }

    @Test func orderIsExplicitThenKubeconfigThenHomeThenInCluster() throws {
        let dir = try ConfigTestSupport.tempDirectory("order")
        defer { ConfigTestSupport.remove(dir) }
        let sa = try serviceAccount(in: dir)
        try FileManager.default.createDirectory(atPath: dir + "/home/.kube", withIntermediateDirectories: true)
        try ConfigTestSupport.write(second, to: dir + "/home/.kube/config")
        try ConfigTestSupport.write(first.replacingOccurrences(of: "current-context: \"\"", with: "current-context: a"),
                                    to: dir + "/explicit.yaml")
        let pod = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        var env = pod.merging(["HOME": dir + "/home", "KUBECONFIG": dir + "/explicit.yaml"]) { a, _ in a }

        let explicit = try KubeConfig.load(kubeconfig: dir + "/home/.kube/config", environment: env, serviceAccountDirectory: sa)
        #expect(explicit.server.host == "second.example" && explicit.namespace == "from-second", "the explicit file alone")
        #expect(try KubeConfig.load(environment: env, serviceAccountDirectory: sa).source.contains("explicit.yaml"))
        env["KUBECONFIG"] = nil
        #expect(try KubeConfig.load(environment: env, serviceAccountDirectory: sa).source.contains("/home/.kube/config"))
        env["HOME"] = dir + "/nohome"
        let inCluster = try KubeConfig.load(environment: env, serviceAccountDirectory: sa)
        #expect(inCluster.source.hasPrefix("in-cluster"))
        env["KUBECONFIG"] = dir + "/none-of-these:" + dir + "/exist"
        #expect(try KubeConfig.load(environment: env, serviceAccountDirectory: sa).source.hasPrefix("in-cluster"))
        let outside = #expect(throws: KubeConfigError.self) {
            try KubeConfig.load(environment: ["HOME": dir + "/nohome"], serviceAccountDirectory: sa)
        }
        #expect(outside?.description.hasPrefix("no Kubernetes configuration") == true)
    }

    func serviceAccount(in dir: String, namespace: String = "apps\n") throws -> String {
        let sa = dir + "/sa"
        try FileManager.default.createDirectory(atPath: sa, withIntermediateDirectories: true)
        try ConfigTestSupport.write("sa-token-1\n", to: sa + "/token")
        try ConfigTestSupport.write("CLUSTER-CA", to: sa + "/ca.crt")
        try ConfigTestSupport.write(namespace, to: sa + "/namespace")
        return sa
    }

    @Test func inClusterReadsTheServiceAccount() async throws {
        let dir = try ConfigTestSupport.tempDirectory("sa")
        defer { ConfigTestSupport.remove(dir) }
        let sa = try serviceAccount(in: dir)
        let v4 = try KubeConfig.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                                          serviceAccountDirectory: sa)
        #expect(v4.server.absoluteString == "https://10.96.0.1:443")
        #expect(v4.namespace == "apps")
        #expect(v4.tls.caPEM == Array("CLUSTER-CA".utf8))
        #expect(v4.credentials == .tokenFile(sa + "/token"))
        #expect(try await v4.makeAuthorizationProvider().authorization() == "Bearer sa-token-1")

        let v6 = try KubeConfig.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "6443"],
                                          serviceAccountDirectory: sa)
        #expect(v6.server.absoluteString == "https://[fd00:10:96::1]:6443")

        try FileManager.default.removeItem(atPath: sa + "/namespace")
        #expect(try KubeConfig.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"],
                                         serviceAccountDirectory: sa).namespace == "default")
        #expect(throws: KubeConfigError.self) {
            try KubeConfig.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "h"], serviceAccountDirectory: sa)
        }
    }

    @Test func rejectsUnusableFiles() throws {
        let dir = try ConfigTestSupport.tempDirectory("bad")
        defer { ConfigTestSupport.remove(dir) }
        let missing = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: dir + "/nope") }
        #expect(missing?.description.hasPrefix("cannot read \(dir)/nope") == true)
        // A directory where a file should be is unreadable (root can read any file, so no chmod).
        let unreadable = #expect(throws: KubeConfigError.self) { try KubeConfig.load(environment: ["KUBECONFIG": dir]) }
        #expect(unreadable?.description.hasPrefix("cannot read \(dir)") == true)

        let malformed: [(String, Int)] = [
            ("apiVersion: v1\nclusters:\n- name: x\n  cluster:\n\tserver: y\n", 5),
            ("clusters:\n- name: x\n  cluster: &anchor\n    server: y\n", 3),
            ("users:\n- name: u\n  user:\n    token: \"abc\n", 4),
            ("contexts:\n- name: a\n  context:\n    cluster: x\n   user: y\n", 5),
        ]
        for (text, line) in malformed {
            try ConfigTestSupport.write(text, to: dir + "/bad.yaml")
            do {
                _ = try KubeConfig.load(kubeconfig: dir + "/bad.yaml")
                Issue.record("accepted: \(text)")
            } catch let e as YAMLError {
                #expect(e.source == dir + "/bad.yaml" && e.line == line, "\(e)")
            }
        }
        try ConfigTestSupport.write("clusters:\n  name: x\n", to: dir + "/shape.yaml")
        let shape = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: dir + "/shape.yaml") }
        #expect(shape?.description == "\(dir)/shape.yaml: clusters must be a list")
        try ConfigTestSupport.write("users:\n- name: u\n- name: v\n- name: u\n", to: dir + "/dup.yaml")
        let dup = #expect(throws: KubeConfigError.self) { try KubeConfig.load(kubeconfig: dir + "/dup.yaml") }
        #expect(dup?.description == "\(dir)/dup.yaml: users: duplicate name 'u'")
    }

    @Test func clusterAndUserFieldRules() throws {
        func load(_ yaml: String) throws -> KubeConfig {
            try KubeConfig.fromKubeconfig(text: "current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n" + yaml,
                                          path: "/virtual/config")
        }
        let data = try load("clusters:\n- name: k\n  cluster:\n    server: https://h\n    certificate-authority-data: Q0EK\n    certificate-authority: /no/such\n    tls-server-name: api.internal\nusers:\n- name: u\n  user:\n    client-certificate-data: Q0VSVAo=\n    client-key-data: S0VZCg==\n    tokenFile: tok\n    token: 123456\n")
        #expect(data.tls.caPEM == Array("CA\n".utf8), "-data wins over the path")
        #expect(data.tls.serverName == "api.internal")
        #expect(data.tls.clientCertificatePEM == Array("CERT\n".utf8) && data.tls.clientKeyPEM == Array("KEY\n".utf8))
        #expect(data.credentials == .token("123456"), "a YAML integer read back as the token text")
        #expect(data.authDescription == "token + client certificate")

        #expect(throws: KubeConfigError.self) {
            try load("clusters:\n- name: k\n  cluster:\n    server: https://h\n    certificate-authority-data: '!!!'\nusers: []\n")
        }
        #expect(throws: KubeConfigError.self) {
            try load("clusters:\n- name: k\n  cluster:\n    server: https://h\nusers:\n- name: u\n  user:\n    auth-provider:\n      name: gcp\n")
        }
        #expect(throws: KubeConfigError.self) { try load("clusters:\n- name: k\n  cluster: {}\nusers: []\n") }
    }
}
