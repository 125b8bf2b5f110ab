import DozeJSON
import Foundation
import HTTPCore

/// The whole local cluster in one process: the object store, the API server over HTTP, and the
/// garbage collector, and the workloads (deployment and endpointslice controllers, pod runtime)
/// unless `podRuntime` is nil.
public final class LocalClusterServer: Sendable {
    public let store: ObjectStore
    public let api: APIServer
    public let host: String
    public let workloads: LocalWorkloads?
    let http: HTTPServer

    /// Binds at once, so `port` is known before `run()` (pass 0 for any free port). `podIPs`:
    /// where pod IPs come from (two clusters on one machine need different ranges).
    public init(host: String = "127.0.0.1", port: Int = 0, store: ObjectStore = ObjectStore(),
                podRuntime: PodRuntimeMode? = .process, podIPs: PodIPPool = PodIPPool()) throws {
        self.store = store
        self.host = host
        let api = APIServer(store: store)
        self.api = api
        workloads = podRuntime.map { LocalWorkloads(store: store, runtime: $0, ipPool: podIPs) }
        api.setLogSource(workloads)
        if podRuntime != nil { Self.registerNode(in: store) }
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
    }

    public var port: Int { http.port }
    public var url: String { "http://\(host):\(port)" }

    /// Serves until cancelled.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.http.run() }
            group.addTask { await GarbageCollector(store: self.store).run() }
            if let workloads { group.addTask { try await workloads.run() } }
            try await group.next()
            group.cancelAll()
        }
    }

    public func shutdown() { http.shutdown() }

    /// The one node pods run on (`kubectl get nodes`), Ready while the cluster runs.
    static func registerNode(in store: ObjectStore, name: String = "doze-local") {
        let now = Timestamp.rfc3339(store.now())
        guard var node = try? store.create(.nodes, ["metadata": ["name": .string(name),
                                                                 "labels": ["kubernetes.io/hostname": .string(name), "kubernetes.io/os": "linux"]]])
        else { return }
        node["status"] = [
            "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "doze pod runtime is posting ready status", "lastHeartbeatTime": .string(now),
                            "lastTransitionTime": .string(now)]],
            "addresses": [["type": "InternalIP", "address": "127.0.0.1"], ["type": "Hostname", "address": .string(name)]],
            "nodeInfo": ["kubeletVersion": "v1.33.0-doze", "osImage": "doze local cluster", "operatingSystem": "linux",
                         "architecture": "amd64", "containerRuntimeVersion": "doze://process", "kernelVersion": ""],
        ]
        _ = try? store.updateStatus(.nodes, node)
    }

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
