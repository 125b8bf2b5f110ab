import Foundation

/// Everything needed to reach one API server: where it is, how to trust it, who we are.
/// Produced by the kubeconfig loader or the in-cluster loader; consumed by the transport.
public struct KubeConfig: Sendable {
    /// Base URL of the API server, e.g. `https://10.0.0.1:6443` (no trailing slash).
    public var server: URL
    /// The namespace requests default to (`default` when nothing says otherwise).
    public var namespace: String
    public var tls: TLSOptions
    public var credentials: Credentials
    /// Where this came from, for humans: "kubeconfig /x (context kind-kind)" or "in-cluster".
    public var source: String

    public init(server: URL, namespace: String = "default", tls: TLSOptions = TLSOptions(),
                credentials: Credentials = .none, source: String = "explicit") {
        self.server = server
        self.namespace = namespace
        self.tls = tls
        self.credentials = credentials
        self.source = source
    }
}

/// TLS material for one server. PEM bytes, never paths: loaders read files once, up front.
public struct TLSOptions: Sendable, Equatable {
    public var caPEM: [UInt8]?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var insecureSkipVerify: Bool
    /// Overrides the name checked in the server's certificate (kubeconfig `tls-server-name`).
    public var serverName: String?

    public init(caPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
                insecureSkipVerify: Bool = false, serverName: String? = nil) {
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }

    public var hasClientCertificate: Bool { clientCertificatePEM != nil && clientKeyPEM != nil }
}

/// How requests authenticate, apart from client certificates (which live in `TLSOptions`).
public enum Credentials: Sendable, Equatable {
    case none
    case token(String)
    /// A bearer token read from a file and re-read when the file changes (projected service
    /// account tokens rotate).
    case tokenFile(String)
    case basic(username: String, password: String)
    case exec(ExecConfig)
}

/// A `client.authentication.k8s.io` exec credential plugin from a kubeconfig user.
public struct ExecConfig: Sendable, Equatable {
    public var command: String
    public var args: [String]
    public var env: [String: String]
    public var apiVersion: String
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`. Doze never has a terminal to lend, so `Always` fails.
    public var interactiveMode: String?

    public init(command: String, args: [String] = [], env: [String: String] = [:],
                apiVersion: String = "client.authentication.k8s.io/v1", installHint: String? = nil,
                provideClusterInfo: Bool = false, interactiveMode: String? = nil) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
    }
}

/// Supplies the `Authorization` header for each request. The transport calls `authorization()`
/// before every request and `invalidate()` after a 401, then retries once.
public protocol AuthorizationProvider: Sendable {
    /// The full header value ("Bearer …", "Basic …"), or nil to send none.
    func authorization() async throws -> String?
    /// Drops cached credentials (an exec plugin's token, a token file's content) after a 401.
    func invalidate() async
}
