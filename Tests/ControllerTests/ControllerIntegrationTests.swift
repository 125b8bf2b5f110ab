import DozeJSON
import Foundation
import LocalCluster
import Testing
@testable import Controller

/// The controller against an in-process local cluster with simulated pods.
@Suite(.serialized) struct ControllerIntegrationTests {
    static let spec: JSON = [
        "image": "python:3.12-slim", "port": 8000, "params": ["GREETING": "hello"],
        "volumes": [["name": "data", "mountPath": "/app/data", "size": "1Gi"],
                    ["mountPath": "/app/secrets.toml", "secretTemplate": "greeting = \"{{.params.GREETING}}\"\n"]],
        "route": ["path": "/hello"],
    ]

    @Test func createScaleUpdateDelete() async throws {
        trace("start")
        let cluster = try await TestCluster()
        trace("cluster up")
        await cluster.createNamespace("team-a")
        let ctl = RunningController(cluster)
        let app = await cluster.createApp("hello", namespace: "team-a", spec: Self.spec)
        let uid = app[path: "metadata", "uid"]
        let ready = await cluster.eventually {
            cluster.get(TestCluster.apps, "team-a", "hello")?.condition("Ready")["status"] == "True"
        }
        #expect(ready, "\(cluster.get(TestCluster.apps, "team-a", "hello")?["status"] ?? .null)")
        let d = try #require(cluster.get(.deployments, "team-a", "hello"))
        #expect(d[path: "spec", "replicas"] == 0, "a new App starts asleep")
        #expect(d[path: "metadata", "ownerReferences"][0]["uid"] == uid)
        #expect(d[path: "metadata", "labels", "app.kubernetes.io/managed-by"] == "doze")
        #expect(cluster.get(.services, "team-a", "hello")?[path: "metadata", "ownerReferences"][0]["uid"] == uid)
        let pvc = try #require(cluster.get(.persistentVolumeClaims, "team-a", "hello-data"))
        #expect(pvc[path: "metadata", "ownerReferences"].isNull, "a claim outlives its App")
        #expect(cluster.list(.secrets, "team-a").contains { $0[path: "metadata", "ownerReferences"][0]["uid"] == uid })
        let status = try #require(cluster.get(TestCluster.apps, "team-a", "hello"))["status"]
        #expect(status["state"] == "Idle" && status["url"] == "http://apps.test:8080/hello")

        // The proxy wakes it through the scale subresource; the controller keeps that count.
        _ = await cluster.request("PATCH", "/apis/apps/v1/namespaces/team-a/deployments/hello/scale",
                                  ["spec": ["replicas": 1]], contentType: "application/merge-patch+json")
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "team-a", "hello")?[path: "status", "state"] == "Running"
        })
        #expect(cluster.get(.deployments, "team-a", "hello")?[path: "spec", "replicas"] == 1)

        // An update rolls the pods: the template hash changes.
        let hash = d[path: "spec", "template", "metadata", "annotations", "doze.dev/template-hash"]
        _ = await cluster.request("PATCH", "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/hello",
                                  ["spec": ["params": ["GREETING": "bonjour"]]], contentType: "application/merge-patch+json")
        #expect(await cluster.eventually {
            guard let d = cluster.get(.deployments, "team-a", "hello") else { return false }
            return d[path: "spec", "template", "metadata", "annotations", "doze.dev/template-hash"] != hash
                && cluster.list(.pods, "team-a").contains { p in
                    (p[path: "spec", "containers"][0]["env"].array ?? []).contains { $0["value"] == "bonjour" }
                }
        })
        #expect(cluster.get(.deployments, "team-a", "hello")?[path: "spec", "replicas"] == 1, "the wake is kept")

        // Delete: the garbage collector removes the owned children; the claim stays.
        _ = await cluster.request("DELETE", "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/hello")
        #expect(await cluster.eventually {
            cluster.get(.deployments, "team-a", "hello") == nil && cluster.get(.services, "team-a", "hello") == nil
                && !cluster.list(.secrets, "team-a").contains { $0[path: "metadata", "labels", "doze.dev/app"] == "hello" }
        })
        #expect(cluster.get(.persistentVolumeClaims, "team-a", "hello-data") != nil)
        trace("stopping controller")
        await ctl.stop()
        trace("stopping cluster")
        await cluster.stop()
        trace("stopped")
    }

    @Test func invalidSpecGetsConditionAndOneEvent() async throws {
        trace("start")
        let cluster = try await TestCluster()
        trace("cluster up")
        let ctl = RunningController(cluster)
        let spec: JSON = ["image": "nginx", "volumes": [["mountPath": "/x.toml", "secretTemplate": "{{ include \"x\" }}"]]]
        await cluster.createApp("bad", namespace: "default", spec: spec)
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "default", "bad")?.condition("SpecValid")["reason"] == "InvalidSpec"
        })
        let app = try #require(cluster.get(TestCluster.apps, "default", "bad"))
        #expect(app.condition("Ready")["status"] == "False" && app[path: "status", "state"] == "Failed")
        #expect(app.condition("SpecValid")["message"].string?.contains("spec.volumes[0]") == true)
        // Touch the App (no spec change): reconciled again, still one Event, no children.
        let before = ctl.controller.metrics.reconciles("success")
        _ = await cluster.request("PATCH", "/apis/doze.dev/v1alpha1/namespaces/default/apps/bad",
                                  ["metadata": ["annotations": ["touched": "1"]]], contentType: "application/merge-patch+json")
        #expect(await cluster.eventually { ctl.controller.metrics.reconciles("success") > before })
        let events = cluster.list(.events, "default").filter { $0[path: "involvedObject", "name"] == "bad" }
        #expect(events.count == 1 && events.first?["type"] == "Warning" && events.first?["reason"] == "InvalidSpec")
        #expect(events.first?[path: "source", "component"] == "doze-controller")
        #expect(cluster.get(.deployments, "default", "bad") == nil && cluster.get(.services, "default", "bad") == nil)
        trace("stopping controller")
        await ctl.stop()
        trace("stopping cluster")
        await cluster.stop()
        trace("stopped")
    }

    @Test func routeConflictAcrossNamespacesClearsWhenOlderGoes() async throws {
        trace("start")
        let cluster = try await TestCluster()
        trace("cluster up")
        await cluster.createNamespace("ns1")
        await cluster.createNamespace("ns2")
        let ctl = RunningController(cluster)
        let spec: JSON = ["image": "nginx", "route": ["host": "shop.example.com", "path": "/"]]
        await cluster.createApp("old", namespace: "ns1", spec: spec)
        #expect(await cluster.eventually { cluster.get(.deployments, "ns1", "old") != nil })
        await cluster.createApp("new", namespace: "ns2", spec: spec)
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "ns2", "new")?.condition("RouteAdmitted")["reason"] == "RouteConflict"
        })
        let msg = cluster.get(TestCluster.apps, "ns2", "new")?.condition("RouteAdmitted")["message"].string ?? ""
        #expect(msg.contains("ns1/old"))
        // Status is written after the children, so it may trail the Deployment seen above.
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "ns1", "old")?.condition("RouteAdmitted")["status"] == "True"
        })
        _ = await cluster.request("DELETE", "/apis/doze.dev/v1alpha1/namespaces/ns1/apps/old")
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "ns2", "new")?.condition("RouteAdmitted")["status"] == "True"
                && cluster.get(.deployments, "ns2", "new") != nil
        })
        trace("stopping controller")
        await ctl.stop()
        trace("stopping cluster")
        await cluster.stop()
        trace("stopped")
    }

    @Test func steadyStateMakesNoWrites() async throws {
        trace("start")
        let cluster = try await TestCluster()
        trace("cluster up")
        let ctl = RunningController(cluster)
        for i in 0..<3 { await cluster.createApp("app\(i)", namespace: "default", spec: Self.spec.with("route", ["path": .string("/a\(i)")])) }
        #expect(await cluster.eventually {
            (0..<3).allSatisfy { cluster.get(TestCluster.apps, "default", "app\($0)")?.condition("Ready")["status"] == "True" }
        })
        // Let in-flight reconciles (our own status writes echoing back) finish.
        let settled = ctl.controller.metrics.reconciles("success")
        _ = await cluster.eventually(timeout: 1) { false }
        let writes = cluster.reconcileWrites.count
        for i in 0..<3 {
            _ = await cluster.request("PATCH", "/apis/doze.dev/v1alpha1/namespaces/default/apps/app\(i)",
                                      ["metadata": ["labels": ["touched": "yes"]]], contentType: "application/merge-patch+json")
        }
        #expect(await cluster.eventually { ctl.controller.metrics.reconciles("success") >= settled + 3 })
        _ = await cluster.eventually(timeout: 2) { false }
        #expect(cluster.reconcileWrites.count == writes, "\(cluster.reconcileWrites.suffix(cluster.reconcileWrites.count - writes))")
        trace("stopping controller")
        await ctl.stop()
        trace("stopping cluster")
        await cluster.stop()
        trace("stopped")
    }

    @Test func convergesThroughInjectedErrors() async throws {
        trace("start")
        let cluster = try await TestCluster()
        trace("cluster up")
        let ctl = RunningController(cluster)
        #expect(await cluster.eventually { ctl.controller.isLeader })
        cluster.failNext(8, status: 500, methods: ["PATCH", "POST"])
        await cluster.createApp("flaky", namespace: "default", spec: ["image": "nginx"])
        #expect(await cluster.eventually {
            cluster.get(TestCluster.apps, "default", "flaky")?.condition("Ready")["status"] == "True"
        })
        cluster.failNext(8, status: 429, methods: ["PATCH", "POST"])
        _ = await cluster.request("PATCH", "/apis/doze.dev/v1alpha1/namespaces/default/apps/flaky",
                                  ["spec": ["params": ["A": "b"]]], contentType: "application/merge-patch+json")
        #expect(await cluster.eventually {
            let d = cluster.get(.deployments, "default", "flaky")
            return (d?[path: "spec", "template", "spec", "containers"][0]["env"].array ?? []).contains { $0["name"] == "A" }
        })
        trace("stopping controller")
        await ctl.stop()
        trace("stopping cluster")
        await cluster.stop()
        trace("stopped")
    }
}

extension JSON {
    func with(_ key: String, _ value: JSON) -> JSON {
        var j = self
        j[key] = value
        return j
    }
}

func trace(_ s: String) {
    if ProcessInfo.processInfo.environment["DOZE_TEST_TRACE"] == "1" { print("TRACE \(Date()) \(s)") }
}
