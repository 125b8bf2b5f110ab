import DozeJSON
import Foundation
import HTTPCore

/// The whole local cluster in one process: the object store, the API server over HTTP, and the
/// garbage collector (plus, when given, the workloads: controllers and pod runtime).
public final class LocalClusterServer: Sendable {
    public let store: ObjectStore
    public let api: APIServer
    public let host: String
    let http: HTTPServer
    let extraServices: [@Sendable () async throws -> Void]

    /// Binds at once, so `port` is known before `run()` (pass 0 for any free port).
    public init(host: String = "127.0.0.1", port: Int = 0, store: ObjectStore = ObjectStore(),
                services: [@Sendable () async throws -> Void] = []) throws {
        self.store = store
        self.host = host
        let api = APIServer(store: store)
        self.api = api
        // DOZE_CLUSTER_LOG=1 prints one line per request, to see what clients send.
        let log = ProcessInfo.processInfo.environment["DOZE_CLUSTER_LOG"] == "1"
        http = try HTTPServer(host: host, port: port) { req in
            let resp = await api.handle(req)
            if log {
                let line = "\(req.method) \(req.target) ct=\(req.headers["Content-Type"] ?? "-") accept=\(req.headers["Accept"] ?? "-") -> \(resp.status)\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
            return resp
        }
        extraServices = services
    }

    public var port: Int { http.port }
    public var url: String { "http://\(host):\(port)" }

    /// Serves until cancelled.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.http.run() }
            group.addTask { await GarbageCollector(store: self.store).run() }
            for s in extraServices { group.addTask { try await s() } }
            try await group.next()
            group.cancelAll()
        }
    }

    public func shutdown() { http.shutdown() }

    /// A kubeconfig whose current context points at this cluster, with no credentials (none are checked).
    public func kubeconfig(name: String = "doze-local") -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(name)
          cluster:
            server: \(url)
        contexts:
        - name: \(name)
          context:
            cluster: \(name)
            user: \(name)
            namespace: default
        current-context: \(name)
        users:
        - name: \(name)
          user: {}
        preferences: {}

        """
    }
}
