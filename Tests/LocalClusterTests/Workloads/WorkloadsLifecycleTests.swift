import Foundation
import Synchronization
import Testing
import DozeJSON
@testable import LocalCluster

/// Rollouts, cascading deletion and kubelet-style deletion confirmation through the real store.
@Suite struct WorkloadsLifecycleTests {
    func deploymentObject(replicas: Int, version: String) -> JSON {
        ["apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": ["name": "app", "namespace": "default"],
         "spec": ["replicas": .int(Int64(replicas)), "selector": ["matchLabels": ["app": "app"]],
                  "template": ["metadata": ["labels": ["app": "app"]],
                               "spec": ["containers": [["name": "app", "image": .string("registry/app:\(version)")]]]]]]
    }

    func appPods(_ store: ObjectStore) -> [JSON] {
        (try? store.list(.pods, namespace: "default", labelSelector: "app=app").items) ?? []
    }

    /// What `kubectl rollout status` waits for.
    func rolledOut(_ store: ObjectStore, replicas: Int) -> Bool {
        guard let d = try? store.get(.deployments, namespace: "default", name: "app") else { return false }
        let s = d["status"]
        return (s["observedGeneration"].int ?? 0) >= (d[path: "metadata", "generation"].int ?? 1)
            && (s["updatedReplicas"].int ?? 0) == replicas && (s["replicas"].int ?? 0) == replicas
            && (s["availableReplicas"].int ?? 0) == replicas
            && s.condition("Available")?["status"] == "True"
    }

    @Test func simulatedRollingUpdateStaysWithinSurgeThenCascadeDeletes() async throws {
        let store = ObjectStore()
        let workloads = LocalWorkloads(store: store, runtime: .simulated(readyAfter: .milliseconds(30)), ipPool: testIPPool())
        let running = Task { try await workloads.run() }
        let gc = Task { await GarbageCollector(store: store).run() }
        defer { running.cancel(); gc.cancel() }
        let watched: [GroupVersionResource] = [.pods, .deployments]

        try store.create(.deployments, deploymentObject(replicas: 4, version: "v1"))
        #expect(await eventually(store, watching: watched) { rolledOut(store, replicas: 4) })
        let v1Hash = appPods(store).first?[path: "metadata", "labels", "pod-template-hash"].string

        // Watch every pod change during the rollout: active pods never exceed 4 + maxSurge (1).
        let most = Mutex(0)
        let podEvents = try store.watch(.pods, from: store.resourceVersion)
        let observer = Task {
            for await _ in podEvents {
                let active = appPods(store).filter { $0[path: "metadata", "deletionTimestamp"].isNull }.count
                most.withLock { $0 = max($0, active) }
            }
        }
        try store.modify(.deployments, namespace: "default", name: "app") { (d: inout JSON) throws(APIError) in
            d[path: "spec", "template", "spec", "containers"] = [["name": "app", "image": "registry/app:v2"]]
        }
        #expect(await eventually(store, watching: watched) {
            rolledOut(store, replicas: 4) && appPods(store).count == 4
                && appPods(store).allSatisfy { $0[path: "metadata", "labels", "pod-template-hash"].string != v1Hash }
        })
        observer.cancel()
        #expect(most.withLock { $0 } <= 5)
        let d = try store.get(.deployments, namespace: "default", name: "app")
        #expect(d[path: "status", "observedGeneration"] == d[path: "metadata", "generation"])
        #expect(d["status"].condition("Progressing")?["reason"] == "NewReplicaSetAvailable")
        // ReplicaSet mirrors as `kubectl get rs` / `rollout history` see them, and nothing left to write.
        let replicaSets = try store.list(.replicaSets, namespace: "default").items
        let revisions = replicaSets.compactMap { $0[path: "metadata", "annotations", "deployment.kubernetes.io/revision"].string }
        #expect(revisions.sorted() == ["1", "2"])
        let newest = try #require(replicaSets.first { $0[path: "metadata", "annotations", "deployment.kubernetes.io/revision"] == "2" })
        #expect(newest[path: "spec", "replicas"] == 4)
        #expect(newest[path: "status", "availableReplicas"] == 4)
        let again = DeploymentReconciler(now: Date()).reconcile(deployment: d, pods: appPods(store), replicaSets: replicaSets)
        #expect(again.actions.isEmpty, "\(again.actions)")
        let scaling = try store.list(.events, namespace: "default", fieldSelector: "reason=ScalingReplicaSet").items
        #expect(scaling.contains { $0["message"].string?.hasPrefix("Scaled up replica set app-") == true })
        #expect(scaling.contains { $0["message"].string == "Scaled down replica set app-\(v1Hash ?? "") to 0 from 1" })

        try store.delete(.deployments, namespace: "default", name: "app", options: DeleteOptions(propagationPolicy: .foreground))
        #expect(await eventually(store, watching: watched) {
            appPods(store).isEmpty && (try? store.get(.deployments, namespace: "default", name: "app")) == nil
        })
        #expect(workloads.pods.runningPods.isEmpty)
    }

    @Test func deletedPodStaysUntilItsProcessesAreGone() async throws {
        let store = ObjectStore()
        let workloads = LocalWorkloads(store: store, runtime: .process, ipPool: testIPPool())
        let running = Task { try await workloads.run() }
        defer { running.cancel() }
        try store.create(.secrets, ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "namespace": "default"],
                                    "data": ["word": .string(Data("swordfish".utf8).base64EncodedString())]])
        try store.create(.pods, [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "stubborn", "namespace": "default"],
            "spec": ["terminationGracePeriodSeconds": 1, "containers": [[
                "name": "c", "image": "sh",
                "command": ["sh", "-c", "trap 'echo term' TERM; echo $(WORD); while true; do sleep 0.1; done"],
                "env": [["name": "WORD", "valueFrom": ["secretKeyRef": ["name": "s", "key": "word"]]]],
            ]]],
        ])
        #expect(await eventually(store, watching: [.pods]) {
            (try? store.get(.pods, namespace: "default", name: "stubborn"))?.isRunningPod == true
        })
        let pid = try #require(await workloads.pods.processIDs(namespace: "default", name: "stubborn").first)
        let log = try #require(workloads.podLog(namespace: "default", name: "stubborn", container: "c", follow: true))
        var seen = ""
        for await chunk in log {
            seen += String(decoding: chunk, as: UTF8.self)
            if seen.contains("swordfish\n") { break }
        }
        #expect(seen.hasPrefix("swordfish\n"), "the secret reached the command through $(WORD)")

        let marked = try store.delete(.pods, namespace: "default", name: "stubborn")
        guard case .pending = marked else { Issue.record("a pod on a node is deleted gracefully"); return }
        let started = Date()
        #expect(await eventually(store, watching: [.pods]) {
            (try? store.get(.pods, namespace: "default", name: "stubborn")) == nil
        })
        #expect(Date().timeIntervalSince(started) >= 0.9, "SIGTERM was ignored, so the grace period ran out")
        let reasons = try store.list(.events, namespace: "default", fieldSelector: "involvedObject.name=stubborn").items
            .compactMap { $0["reason"].string }
        #expect(Set(reasons).isSuperset(of: ["Scheduled", "Created", "Started", "Killing"]))
        #expect(!processAlive(pid))
        #expect(workloads.pods.runningPods.isEmpty)
    }
}

extension JSON {
    var isRunningPod: Bool { self[path: "status", "phase"] == "Running" }
}
