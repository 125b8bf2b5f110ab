import CCurlHook
import Foundation
import Testing
@testable import KubeClient

/// Kubeconfigs in the shapes real tools write (kind, GKE, EKS), and the TLS hook's origin keys.
@Suite struct ConfigRealWorldTests {
    static let kind = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: Q0EtREFUQQo=
            server: https://127.0.0.1:38001
          name: kind-kind
        contexts:
        - context:
            cluster: kind-kind
            user: kind-kind
          name: kind-kind
        current-context: kind-kind
        kind: Config
        preferences: {}
        users:
        - name: kind-kind
          user:
            client-certificate-data: Q0VSVAo=
            client-key-data: S0VZCg==
        """

    // gcloud writes a long installHint as a plain scalar folded over two lines.
    static let gke = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: Q0EK
            server: https://34.1.2.3
          name: gke_proj_europe-west1_prod
        contexts:
        - context:
            cluster: gke_proj_europe-west1_prod
            user: gke_proj_europe-west1_prod
          name: gke_proj_europe-west1_prod
        current-context: gke_proj_europe-west1_prod
        kind: Config
        preferences: {}
        users:
        - name: gke_proj_europe-west1_prod
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: gke-gcloud-auth-plugin
              installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
                https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
              provideClusterInfo: true
        """

    static let eks = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: Q0EK
            server: https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com
          name: arn:aws:eks:eu-west-1:123456789012:cluster/prod
        contexts:
        - context:
            cluster: arn:aws:eks:eu-west-1:123456789012:cluster/prod
            namespace: "apps"
            user: arn:aws:eks:eu-west-1:123456789012:cluster/prod
          name: arn:aws:eks:eu-west-1:123456789012:cluster/prod
        current-context: arn:aws:eks:eu-west-1:123456789012:cluster/prod
        kind: Config
        preferences: {}
        users:
        - name: arn:aws:eks:eu-west-1:123456789012:cluster/prod
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - --region
              - eu-west-1
              - eks
              - get-token
              - --cluster-name
              - prod
              - --output
              - json
              command: aws
              env:
              - name: AWS_PROFILE
                value: "prod"
              interactiveMode: IfAvailable
              provideClusterInfo: false
        """

    @Test func kindClientCertificates() throws {
        let c = try KubeConfig.fromKubeconfig(text: Self.kind, path: "/home/u/.kube/config")
        #expect(c.server.absoluteString == "https://127.0.0.1:38001")
        #expect(c.tls.caPEM == Array("CA-DATA\n".utf8))
        #expect(c.tls.hasClientCertificate && c.credentials == .none)
        #expect(c.tlsDescription == "custom CA" && c.authDescription == "client certificate")
    }

    @Test func gkeExecPlugin() throws {
        let c = try KubeConfig.fromKubeconfig(text: Self.gke, path: "/home/u/.kube/config")
        guard case .exec(let e) = c.credentials else { Issue.record("\(c.credentials)"); return }
        #expect(e.command == "gke-gcloud-auth-plugin" && e.provideClusterInfo && e.args.isEmpty)
        #expect(e.installHint == "Install gke-gcloud-auth-plugin for use with kubectl by following "
            + "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin")
        #expect(c.authDescription == "exec gke-gcloud-auth-plugin (client.authentication.k8s.io/v1beta1)")
    }

    @Test func eksExecPlugin() throws {
        let c = try KubeConfig.fromKubeconfig(text: Self.eks, path: "/home/u/.kube/config")
        #expect(c.namespace == "apps")
        guard case .exec(let e) = c.credentials else { Issue.record("\(c.credentials)"); return }
        #expect(e.command == "aws" && e.env == ["AWS_PROFILE": "prod"])
        #expect(e.args == ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "prod", "--output", "json"])
    }

    static let origins: [(String, String?)] = [
        ("https://10.0.0.1:6443/api/v1/pods?watch=1", "https://10.0.0.1:6443"),
        ("https://Example.COM/version", "https://example.com:443"),
        ("HTTP://example.com", "http://example.com:80"),
        ("https://user:pw@example.com:8443#x", "https://example.com:8443"),
        ("https://[FD00::1]:6443/x", "https://[fd00::1]:6443"),
        ("https://[::1]/", "https://[::1]:443"),
        ("no-scheme", nil),
        ("https://", nil),
    ]

    /// The hook keys its table by these; the transport's URLs must map to the installed server's.
    @Test(arguments: origins)
    func curlOrigin(_ c: (String, String?)) {
        var buffer = [CChar](repeating: 0, count: 256)
        let status = doze_curl_origin(c.0, &buffer, buffer.count)
        let got: String? = status == 0 ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        #expect(got == c.1, "\(c.0)")
    }
}
