import Foundation
import Testing
import DozeJSON
@testable import LocalCluster

/// The workloads against the real store: a process-backed Deployment of python http.servers
/// scaled 0 → 2 → 0, with its Service's EndpointSlices following.
@Suite struct WorkloadsIntegrationTests {
    static let template: JSON = [
        "metadata": ["labels": ["app": "web"]],
        "spec": [
            "terminationGracePeriodSeconds": 5,
            "containers": [[
                "name": "web", "image": "python:3",
                "command": ["python3", "-u", "-m", "http.server", "$(PORT)", "--bind", "$(POD_IP)"],
                "env": [["name": "PORT", "value": "8000"],
                        ["name": "POD_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]]],
                "ports": [["name": "http", "containerPort": 8000]],
                "readinessProbe": ["httpGet": ["path": "/", "port": "http"], "periodSeconds": 1],
            ]],
        ],
    ]

    func pods(_ store: ObjectStore) -> [JSON] { (try? store.list(.pods, namespace: "default").items) ?? [] }
    func slices(_ store: ObjectStore) -> [JSON] {
        (try? store.list(.endpointSlices, namespace: "default", labelSelector: "kubernetes.io/service-name=web").items) ?? []
    }
    func readyEndpoints(_ store: ObjectStore) -> [String] {
        slices(store).flatMap { $0["endpoints"].array ?? [] }
            .filter { $0["conditions"]["ready"] == true }.compactMap { $0["addresses"][0].string }.sorted()
    }
    func setReplicas(_ store: ObjectStore, _ n: Int) throws {
        try store.modify(.deployments, namespace: "default", name: "web") { (d: inout JSON) throws(APIError) in
            d[path: "spec", "replicas"] = .int(Int64(n))
        }
    }

    @Test func processDeploymentScaledUpAndDownWithEndpointSlicesFollowing() async throws {
        let store = ObjectStore()
        let workloads = LocalWorkloads(store: store, runtime: .process, ipPool: testIPPool())
        let running = Task { try await workloads.run() }
        defer { running.cancel() }

        try store.create(.deployments, ["apiVersion": "apps/v1", "kind": "Deployment",
                                        "metadata": ["name": "web", "namespace": "default"],
                                        "spec": ["replicas": 0, "selector": ["matchLabels": ["app": "web"]],
                                                 "template": Self.template]])
        try store.create(.services, ["apiVersion": "v1", "kind": "Service",
                                     "metadata": ["name": "web", "namespace": "default"],
                                     "spec": ["selector": ["app": "web"], "ports": [["name": "http", "port": 80, "targetPort": "http"]]]])
        let watched: [GroupVersionResource] = [.pods, .endpointSlices, .deployments]
        #expect(await eventually(store, watching: watched) { slices(store).count == 1 && pods(store).isEmpty })

        // 0 → 2
        try setReplicas(store, 2)
        #expect(await eventually(store, watching: watched) { readyEndpoints(store).count == 2 })
        let ips = readyEndpoints(store)
        let podIPs = pods(store).compactMap { $0[path: "status", "podIP"].string }.sorted()
        #expect(ips == podIPs)
        for ip in ips { #expect(httpStatus(ip, 8000) == 200, "pod at \(ip) answers") }
        #expect(pods(store).allSatisfy { $0[path: "spec", "nodeName"] == "doze-local" && $0[path: "status", "phase"] == "Running" })
        let slice = try #require(slices(store).first)
        #expect(slice["ports"] == [["name": "http", "port": 8000, "protocol": "TCP"]])
        #expect(slice[path: "metadata", "labels", "endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io")
        #expect(await eventually(store, watching: watched) {
            let s = (try? store.get(.deployments, namespace: "default", name: "web"))?["status"] ?? .null
            return s["availableReplicas"] == 2 && s.condition("Available")?["status"] == "True"
                && s.condition("Progressing")?["reason"] == "NewReplicaSetAvailable"
        })
        let names = pods(store).compactMap { $0[path: "metadata", "name"].string }
        #expect(names.allSatisfy { $0.hasPrefix("web-") && $0.split(separator: "-").count == 3 })
        var pids: [Int32] = []
        for name in names { pids += await workloads.pods.processIDs(namespace: "default", name: name) }
        #expect(pids.count == 2 && pids.allSatisfy(processAlive))
        let log = workloads.podLog(namespace: "default", name: names[0], container: nil)
        var text = ""
        for await chunk in log! { text += String(decoding: chunk, as: UTF8.self) }
        #expect(text.contains("Serving HTTP on 127."))

        // 2 → 0
        try setReplicas(store, 0)
        #expect(await eventually(store, watching: watched) {
            pods(store).isEmpty && slices(store).count == 1 && slices(store)[0]["endpoints"] == []
        })
        #expect(!pids.contains(where: processAlive), "the python processes are gone")
        #expect(workloads.pods.runningPods.isEmpty)

        running.cancel()
        _ = await running.result
    }
}
