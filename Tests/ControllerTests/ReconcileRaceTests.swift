import DozeJSON
import Foundation
import KubeClient
import Synchronization
import Testing
@testable import Controller

/// The reconciler against the local cluster with caches the test fills itself (no informers
/// run), so that a change reaches a cache at an exact point of a reconcile.
@Suite struct ReconcileRaceTests {
    /// An App with a rendered file: its Secret is applied before the Deployment is diffed.
    static let spec: JSON = ["image": "nginx",
                             "volumes": [["mountPath": "/app/conf.toml", "secretTemplate": "a = 1\n"]]]

    struct Caches {
        let client: KubeClient
        let stores: ControllerStores

        init(_ client: KubeClient) {
            self.client = client
            func store(_ r: ResourceType) -> KindStore {
                KindStore(informers: [Informer(name: r.plural, api: client.dynamicApi(r, namespace: nil), config: WatcherConfig(),
                                               onChange: { _ in })], namespaces: nil)
            }
            stores = ControllerStores(apps: store(.app), deployments: store(.deployment), services: store(.service),
                                      claims: store(.persistentVolumeClaim))
        }

        func reconciler() -> Reconciler {
            Reconciler(client: client, stores: stores, routes: RouteIndex(), context: RenderContext(baseURL: "http://apps.test:8080"),
                       events: EventRecorder(client: client, instance: "test"), metrics: ControllerMetrics())
        }

        /// What the informers would deliver: `team/web` as the API server has it now.
        func sync(_ kinds: [ResourceType] = [.app, .deployment, .service]) async throws {
            for kind in kinds {
                let object = try await client.dynamicApi(kind, namespace: "team").get("web").json
                (kind == .app ? stores.apps : kind == .deployment ? stores.deployments : stores.services)
                    .informers[0].cache.upsert(object)
            }
        }
    }

    /// A proxy wakes the App while a reconcile that read the Deployment asleep is under way, and
    /// the informer delivers the wake before that reconcile diffs the Deployment: the reconcile
    /// must not apply its stale count (0) with the fresh resourceVersion, which would undo the wake.
    @Test func aWakeSeenMidReconcileIsNotUndone() async throws {
        let cluster = try await TestCluster()
        await cluster.createNamespace("team")
        await cluster.createApp("web", namespace: "team", spec: Self.spec)
        let caches = Caches(KubeClient(transport: URLSessionTransport(server: cluster.url), options: ClientOptions(qps: 0)))
        try await caches.sync([.app])
        _ = try await caches.reconciler().reconcile("team/web")
        try await caches.sync()
        #expect(cluster.get(.deployments, "team", "web")?[path: "spec", "replicas"] == 0, "a new App starts asleep")
        #expect(cluster.get(TestCluster.apps, "team", "web")?[path: "status", "state"] == "Idle")

        // A fresh reconciler (a new leader) applies the Secret again; meanwhile the proxy wakes the
        // App and the informer delivers it.
        let woke = Mutex<Int?>(nil)
        cluster.onRequest { req in
            guard req.path.contains("/secrets/"), woke.withLock({ $0 }) == nil else { return }
            let status = await cluster.wake("team", "web")
            woke.withLock { $0 = status }
            try? await caches.sync([.deployment])
        }
        let writes = cluster.writes.count
        let reconciler = caches.reconciler()
        _ = try? await reconciler.reconcile("team/web")
        cluster.onRequest(nil)
        #expect(woke.withLock { $0 } == 200)
        #expect(cluster.get(.deployments, "team", "web")?[path: "spec", "replicas"] == 1, "the wake stands")
        #expect(!cluster.writes.suffix(from: writes).contains { $0.contains("/deployments/") }, "\(cluster.writes.suffix(from: writes))")

        // The next reconcile, from caches that show the wake, reports it.
        try await caches.sync()
        _ = try await reconciler.reconcile("team/web")
        let status = cluster.get(TestCluster.apps, "team", "web")?["status"] ?? .null
        #expect((status["state"] == "Waking" || status["state"] == "Running") && status["wakeCount"] == 1, "\(status)")
        #expect(cluster.get(.deployments, "team", "web")?[path: "spec", "replicas"] == 1)
        await cluster.stop()
    }
}
