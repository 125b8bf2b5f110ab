import DozeJSON
import Foundation
import HTTPCore
import KubeClient
import LocalCluster
import Synchronization
import Testing
@testable import Proxy

/// A proxy pointed at a cluster without the App CRD: its static routes are served (the first
/// snapshot is published, so it turns ready), the cause is logged once, and Apps are routed as
/// soon as the CRD is installed, without a restart.
@Suite struct MissingCRDTests {
    @Test func staticRoutesServeUntilTheCRDIsInstalledThenAppsAreRouted() async throws {
        let cluster = LocalCluster.ObjectStore()
        let api = APIServer(store: cluster)
        let http = try HTTPServer(loops: 1) { await api.handle($0) }
        let server = Task { try? await http.run() }
        defer { server.cancel() }
        let client = KubeClient(transport: URLSessionTransport(server: URL(string: "http://127.0.0.1:\(http.port)")!),
                                options: ClientOptions(qps: 0))
        let lines = Mutex<[String]>([])
        let fixed = try Route(host: nil, path: "/static", stripPath: true, upstreams: [Upstream(host: "127.0.0.1", port: 9)])
        let source = KubeRouteSource(client: client, staticRoutes: [fixed], log: { line in lines.withLock { $0.append(line) } })
        let routes = RouteTableStore()
        let running = Task { try await source.run(into: routes) }
        defer { running.cancel() }

        #expect(await waitFor(seconds: 20) { routes.isLoaded }, "no snapshot without the CRD")
        #expect(routes.current.routes.map(\.name) == ["*/static"])
        let missing = lines.withLock { $0.filter { $0.contains("App CRD (apps.doze.dev) is not installed") } }
        #expect(missing.count == 1, "\(lines.withLock { $0 })")
        #expect(missing.first?.contains("kubectl apply -f deploy/crds/") == true)

        let crd = try JSON(parsing: Array(FileManager.default.contents(atPath: WakeCluster.crdPath) ?? Data()))
        _ = try await client.api(CustomResourceDefinition.self).create(CustomResourceDefinition(json: crd))
        let app: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                         "metadata": ["name": "late", "namespace": "default"],
                         "spec": ["image": "python:3", "port": 8000, "route": ["host": "late.example.com"]]]
        _ = try await client.api(AppObject.self, namespace: "default").create(AppObject(json: app))
        // The watcher retries the list with backoff (at most 30 s between tries).
        #expect(await waitFor(seconds: 45) { routes.current.routes.contains { $0.host == "late.example.com" } },
                "\(routes.current.routes.map(\.name))")
        #expect(routes.current.routes.first?.name == "*/static")
        #expect(lines.withLock { $0.contains { $0.contains("is installed: routing Apps") } })
    }
}
