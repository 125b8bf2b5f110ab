import Foundation
import Testing
import DozeJSON
@testable import LocalCluster

@Suite struct EndpointSliceReconcilerTests {
    let reconciler = EndpointSliceReconciler(suffix: counterSuffix())

    let service: JSON = [
        "apiVersion": "v1", "kind": "Service",
        "metadata": ["name": "web", "namespace": "default", "uid": "svc-uid", "labels": ["team": "a"]],
        "spec": ["selector": ["app": "web"], "ports": [["name": "http", "port": 80, "targetPort": "http"],
                                                       ["name": "metrics", "port": 9090]]],
    ]

    func pod(_ name: String, ip: String?, ready: Bool = true, app: String = "web", port: Int = 8000,
             terminating: Bool = false, phase: String = "Running") -> JSON {
        var p = runningPod(["metadata": ["name": .string(name), "namespace": "default", "labels": ["app": .string(app)]],
                            "spec": ["containers": [["name": "app", "ports": [["name": "http", "containerPort": .int(Int64(port))]]]]]],
                           ip: ip ?? "", readySince: ready ? epoch : nil)
        if ip == nil { p[path: "status", "podIP"] = .null }
        if terminating { p[path: "metadata", "deletionTimestamp"] = "2023-11-14T22:15:00Z" }
        p[path: "status", "phase"] = .string(phase)
        return p
    }

    @Test func oneSliceWithEveryEligiblePodAndResolvedPorts() throws {
        let pods = [pod("a", ip: "127.1.0.1"), pod("b", ip: "127.1.0.2", ready: false),
                    pod("c", ip: "127.1.0.3", terminating: true), pod("d", ip: nil),
                    pod("e", ip: "127.1.0.5", app: "other"), pod("f", ip: "127.1.0.6", phase: "Succeeded")]
        let decision = reconciler.reconcile(service: service, pods: pods, slices: [])
        #expect(decision.actions.count == 1)
        let slice = try #require(decision.created.first)
        #expect(slice[path: "metadata", "name"] == "web-sfx1")
        #expect(slice[path: "metadata", "labels"] == ["kubernetes.io/service-name": "web", "team": "a",
                                                      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"])
        #expect(slice[path: "metadata", "ownerReferences", ][0]["uid"] == "svc-uid")
        #expect(slice["addressType"] == "IPv4")
        #expect(slice["ports"] == [["name": "http", "port": 8000, "protocol": "TCP"], ["name": "metrics", "port": 9090, "protocol": "TCP"]])
        let endpoints = try #require(slice["endpoints"].array)
        #expect(endpoints.map { $0["addresses"][0] } == ["127.1.0.1", "127.1.0.2", "127.1.0.3"])
        #expect(endpoints[0]["conditions"] == ["ready": true, "serving": true, "terminating": false])
        #expect(endpoints[1]["conditions"] == ["ready": false, "serving": false, "terminating": false])
        #expect(endpoints[2]["conditions"] == ["ready": false, "serving": true, "terminating": true])
        #expect(endpoints[0]["targetRef"] == ["kind": "Pod", "namespace": "default", "name": "a", "uid": "uid-a"])
        #expect(endpoints[0]["nodeName"] == "doze-local")
    }

    @Test func unchangedSliceNeedsNothingAndChangesUpdateInPlace() throws {
        let pods = [pod("a", ip: "127.1.0.1"), pod("b", ip: "127.1.0.2")]
        var existing = try #require(reconciler.reconcile(service: service, pods: pods, slices: []).created.first)
        existing[path: "metadata", "resourceVersion"] = "42"
        let again = reconciler.reconcile(service: service, pods: pods, slices: [existing])
        #expect(again.actions.isEmpty)
        let after = reconciler.reconcile(service: service, pods: [pods[1]], slices: [existing])
        let updated = try #require(after.updated.first)
        #expect(after.actions.count == 1)
        #expect(updated[path: "metadata", "resourceVersion"] == "42")
        #expect(updated[path: "metadata", "name"] == existing[path: "metadata", "name"])
        #expect(updated["endpoints"].array?.count == 1)
    }

    @Test func noPodsLeavesOneEmptySlice() throws {
        let decision = reconciler.reconcile(service: service, pods: [], slices: [])
        let slice = try #require(decision.created.first)
        #expect(slice["endpoints"] == [])
        #expect(slice["ports"] == [])
    }

    @Test func podsResolvingNamedPortsDifferentlyGetSeparateSlices() {
        let pods = [pod("a", ip: "127.1.0.1", port: 8000), pod("b", ip: "127.1.0.2", port: 8001)]
        let decision = reconciler.reconcile(service: service, pods: pods, slices: [])
        #expect(decision.created.count == 2)
        #expect(Set(decision.created.map { $0["ports"][0]["port"] }) == [8000, 8001])
    }

    @Test func leftoverSlicesAreDeletedAndForeignOnesIgnored() throws {
        let a = try #require(reconciler.reconcile(service: service, pods: [pod("a", ip: "127.1.0.1", port: 8000)], slices: []).created.first)
        let b = try #require(reconciler.reconcile(service: service, pods: [pod("b", ip: "127.1.0.2", port: 8001)], slices: []).created.first)
        var foreign = b
        foreign[path: "metadata", "name"] = "web-manual"
        foreign[path: "metadata", "labels", "endpointslice.kubernetes.io/managed-by"] = "someone-else"
        let decision = reconciler.reconcile(service: service, pods: [pod("a", ip: "127.1.0.1", port: 8000)], slices: [a, b, foreign])
        #expect(decision.deletedNames == [b[path: "metadata", "name"].string!])
        #expect(decision.created.isEmpty && decision.updated.isEmpty)
    }

    @Test func servicesWithoutSelectorAreNotManaged() {
        var manual = service
        manual[path: "spec", "selector"] = .null
        #expect(reconciler.reconcile(service: manual, pods: [pod("a", ip: "127.1.0.1")], slices: []).actions.isEmpty)
    }

    @Test func targetPortDefaultsToPortAndPublishNotReadyMarksReady() throws {
        var svc = service
        svc[path: "spec", "ports"] = [["port": 8080]]
        svc[path: "spec", "publishNotReadyAddresses"] = true
        let slice = try #require(reconciler.reconcile(service: svc, pods: [pod("a", ip: "127.1.0.1", ready: false)], slices: []).created.first)
        #expect(slice["ports"] == [["name": "", "port": 8080, "protocol": "TCP"]])
        #expect(slice["endpoints"][0]["conditions"]["ready"] == true)
        #expect(slice["endpoints"][0]["conditions"]["serving"] == false)
    }
}
