import DozeJSON
import Foundation
import KubeClient
import LocalCluster
import Testing

/// Our client against our API server, in one process over loopback HTTP. Each side was written
/// from the Kubernetes API's documented behaviour by a different hand; these tests catch the
/// places where they disagree, which a shared assumption would otherwise hide.
@Suite struct ClientAgainstClusterTests {
    static func withCluster(_ body: (KubeClient) async throws -> Void) async throws {
        let server = try LocalClusterServer(port: 0, podRuntime: .simulated(readyAfter: .milliseconds(50)))
        let running = Task { try await server.run() }
        defer { running.cancel() }
        let config = KubeConfig(server: URL(string: "http://127.0.0.1:\(server.port)")!, source: "test")
        try await body(try KubeClient(config: config))
    }

    func configMap(_ name: String, _ data: [String: String], labels: [String: String] = [:]) -> ConfigMap {
        var cm = ConfigMap(name: name, namespace: "default")
        cm.data = data
        cm.metadata.labels = labels
        return cm
    }

    @Test func crudWithConflictsAndErrors() async throws {
        try await Self.withCluster { client in
            let api = client.api(ConfigMap.self, namespace: "default")
            let created = try await api.create(configMap("a", ["k": "1"]))
            #expect(created.uid != nil)
            await #expect { try await api.create(configMap("a", [:])) } throws: { ($0 as? KubeError)?.isAlreadyExists == true }
            await #expect { try await api.get("missing") } throws: { ($0 as? KubeError)?.isNotFound == true }

            var fresh = try await api.get("a")
            fresh.data = ["k": "2"]
            let replaced = try await api.replace(fresh)
            #expect(replaced.data == ["k": "2"])
            var stale = created
            stale.data = ["k": "3"]
            await #expect { try await api.replace(stale) } throws: { ($0 as? KubeError)?.isConflict == true }

            _ = try await api.delete("a")
            await #expect { try await api.get("a") } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func everyPatchTypeAndServerSideApply() async throws {
        try await Self.withCluster { client in
            let api = client.api(ConfigMap.self, namespace: "default")
            _ = try await api.create(configMap("p", ["a": "1"]))
            #expect(try await api.patch("p", .merge(["data": ["b": "2"]])).data == ["a": "1", "b": "2"])
            #expect(try await api.patch("p", .json([["op": "remove", "path": "/data/a"]])).data == ["b": "2"])
            #expect(try await api.patch("p", .strategic(["data": ["c": "3"]])).data == ["b": "2", "c": "3"])

            let intent: JSON = ["apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": ["name": "s", "namespace": "default"], "data": ["x": "1"]]
            let applied = try await api.patch("s", .apply(intent, fieldManager: "one"))
            #expect(applied.data == ["x": "1"])
            #expect(applied.json["metadata"]["managedFields"][0]["manager"].string == "one")
            var other = intent
            other[path: "data", "x"] = "2"
            await #expect { try await api.patch("s", .apply(other, fieldManager: "two")) } throws: {
                ($0 as? KubeError)?.isConflict == true
            }
            #expect(try await api.patch("s", .apply(other, fieldManager: "two", force: true)).data == ["x": "2"])
        }
    }

    @Test func pagedListsFollowContinueTokens() async throws {
        try await Self.withCluster { client in
            let api = client.api(ConfigMap.self, namespace: "default")
            for i in 0..<7 { _ = try await api.create(configMap("c\(i)", [:], labels: ["set": i % 2 == 0 ? "even" : "odd"])) }
            let page = try await api.list(ListOptions(limit: 3))
            #expect(page.items.count == 3)
            #expect(page.continueToken != nil)
            let all = try await api.listAll(ListOptions(labelSelector: "set in (even)", limit: 2))
            #expect(all.items.compactMap(\.name).sorted() == ["c0", "c2", "c4", "c6"])
        }
    }

    @Test func watcherSeesTheInitialListThenLiveChangesInOrder() async throws {
        try await Self.withCluster { client in
            let api = client.api(ConfigMap.self, namespace: "default")
            _ = try await api.create(configMap("before", [:]))
            var seen: [String] = []
            var iterator = api.watcher(WatcherConfig()).makeAsyncIterator()
            func next() async throws -> String {
                switch try await iterator.next() {
                case .initStarted?: return "initStarted"
                case .initApply(let o)?: return "initApply \(o.name ?? "")"
                case .initDone?: return "initDone"
                case .apply(let o)?: return "apply \(o.name ?? "") \(o.data["v"] ?? "-")"
                case .delete(let o)?: return "delete \(o.name ?? "")"
                case nil: return "end"
                }
            }
            for _ in 0..<3 { seen.append(try await next()) }
            _ = try await api.create(configMap("after", ["v": "1"]))
            _ = try await api.patch("after", .merge(["data": ["v": "2"]]))
            _ = try await api.delete("after")
            for _ in 0..<3 { seen.append(try await next()) }
            #expect(seen == ["initStarted", "initApply before", "initDone", "apply after 1", "apply after 2", "delete after"])
        }
    }

    @Test func deploymentScaleSubresource() async throws {
        try await Self.withCluster { client in
            let api = client.api(Deployment.self, namespace: "default")
            let d: JSON = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "default"],
                           "spec": ["replicas": 0, "selector": ["matchLabels": ["app": "web"]],
                                    "template": ["metadata": ["labels": ["app": "web"]],
                                                 "spec": ["containers": [["name": "c", "image": "x"]]]]]]
            _ = try await api.create(Deployment(json: d))
            #expect(try await api.getScale("web").specReplicas == 0)
            _ = try await api.scale("web", replicas: 2)
            #expect(try await api.get("web").json["spec"]["replicas"].int == 2)
            // A conditional wake: only from zero. The test op fails now that replicas is 2.
            await #expect { try await api.patchScale("web", .json([["op": "test", "path": "/spec/replicas", "value": 0],
                                                                    ["op": "replace", "path": "/spec/replicas", "value": 1]])) } throws: {
                ($0 as? KubeError)?.isInvalid == true
            }
        }
    }
}
