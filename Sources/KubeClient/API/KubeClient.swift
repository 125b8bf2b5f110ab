import DozeJSON
import Foundation
import Synchronization

/// A client of one Kubernetes API server. Cheap to share: it is Sendable and holds one
/// URLSession; make one per process and hand out `Api` handles from it.
public final class KubeClient: Sendable {
    /// Shown in the User-Agent (`doze/<version>`); kept in step with `doze version`.
    public static let version = "0.1.0-dev"

    /// The namespace of the configuration (kubeconfig context or the pod's own namespace).
    public let defaultNamespace: String
    let executor: RequestExecutor

    /// A client for a resolved configuration: installs its TLS material, then talks over
    /// URLSession with the configuration's credentials.
    public convenience init(config: KubeConfig, options: ClientOptions = ClientOptions()) throws {
        try Self.installTLS(config)
        let transport = URLSessionTransport(server: config.server, requestTimeout: options.requestTimeout)
        self.init(transport: transport, authorization: config.makeAuthorizationProvider(),
                  namespace: config.namespace, options: options)
    }

    /// A client over any transport (tests, or a transport of one's own).
    public init(transport: any HTTPTransport, authorization: any AuthorizationProvider = StaticAuthorization(nil),
                namespace: String = "default", options: ClientOptions = ClientOptions()) {
        defaultNamespace = namespace
        executor = RequestExecutor(
            transport: transport, auth: authorization,
            limiter: RateLimiter(qps: options.qps, burst: options.burst, clock: options.clock),
            retry: options.retry, clock: options.clock, userAgent: options.userAgent, onWarning: options.onWarning)
    }

    /// A typed handle on one kind in one namespace; nil namespace means all namespaces
    /// (list and watch only). Cluster-scoped kinds ignore the namespace.
    public func api<T: KubeObject>(_ type: T.Type, namespace: String?) -> Api<T> {
        Api(client: self, resource: T.resourceType, namespace: namespace)
    }

    /// A handle on one kind in the client's default namespace.
    public func api<T: KubeObject>(_ type: T.Type) -> Api<T> {
        api(type, namespace: defaultNamespace)
    }

    /// A handle on any kind, decided at run time.
    public func dynamicApi(_ resource: ResourceType, namespace: String?) -> Api<DynamicObject> {
        Api(client: self, resource: resource, namespace: namespace)
    }

    /// Sends a request; answers other than 2xx throw `KubeError`.
    public func send(_ request: KubeRequest) async throws -> TransportResponse {
        try await executor.send(request)
    }

    /// Sends a request and parses the JSON body.
    public func sendJSON(_ request: KubeRequest) async throws -> JSON {
        let response = try await send(request)
        do {
            return try JSON(parsing: response.body)
        } catch {
            throw KubeError.decoding("\(request.method.rawValue) \(request.path): \(error)")
        }
    }

    /// Opens a streaming request (a watch); a non-2xx head throws `KubeError`.
    public func stream(_ request: KubeRequest) async throws -> TransportStream {
        try await executor.stream(request)
    }

    /// `GET /version`: the server's `gitVersion` and friends.
    public func serverVersion() async throws -> JSON {
        try await sendJSON(KubeRequest(method: .get, path: "/version"))
    }

    // TLSHook's contract: once per server, before the first request.
    private static let installedTLS = Mutex<[String: TLSOptions]>([:])

    private static func installTLS(_ config: KubeConfig) throws {
        let key = config.server.absoluteString
        let done = installedTLS.withLock { $0[key] == config.tls }
        if done { return }
        try TLSHook.install(for: config.server, options: config.tls)
        installedTLS.withLock { $0[key] = config.tls }
    }
}
