import DozeJSON
import Foundation
import KubeClient
@testable import Controller

/// A controller instance against a TestCluster, running until `stop()`.
final class RunningController: Sendable {
    let controller: AppController
    let client: KubeClient
    private let task: Task<Void, Never>

    init(_ cluster: TestCluster, identity: String = "test", lease: Duration = .seconds(3), namespaces: [String]? = nil,
         watchTimeoutSeconds: Int = 60, proxyService: ProxyDiscovery.ServiceRef? = nil) {
        client = KubeClient(transport: URLSessionTransport(server: cluster.url), options: ClientOptions(qps: 0))
        let election = LeaderElectionConfig(identity: identity, leaseDuration: lease, renewDeadline: lease * 2 / 3,
                                            retryPeriod: .milliseconds(200))
        controller = AppController(client: client, options: ControllerOptions(
            namespaces: namespaces, workers: 2, leaseNamespace: "default", election: election,
            render: RenderContext(baseURL: "http://apps.test:8080"), watchTimeoutSeconds: watchTimeoutSeconds,
            proxyService: proxyService))
        let c = controller
        task = Task { await c.run() }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

extension JSON {
    /// The status of an App condition ("True", "False", "Unknown"), if present.
    func condition(_ type: String) -> JSON {
        self[path: "status", "conditions"].array?.first { $0["type"].string == type } ?? .null
    }
}
