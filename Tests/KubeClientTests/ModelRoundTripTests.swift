import DozeJSON
import Foundation
import Testing
@testable import KubeClient

/// Decoding then encoding never loses a field the model does not name; typed setters touch only
/// their own field.
@Suite struct ModelRoundTripTests {
    /// A typical object of a kind, with unknown fields at the top, in metadata, spec and status.
    static func sample(_ type: ResourceType) -> JSON {
        var o: JSON = ["apiVersion": JSON(type.apiVersion), "kind": JSON(type.kind), "futureTopLevel": ["x": [1, 2.5, true]]]
        o["metadata"] = [
            "name": "obj", "namespace": "ns", "uid": "u-1", "resourceVersion": "42", "generation": 3,
            "labels": ["app": "web"], "annotations": ["a": "b"], "finalizers": ["doze.dev/cleanup"],
            "managedFields": [["manager": "kubectl", "operation": "Apply", "fieldsV1": ["f:spec": ["f:replicas": [:]]]]],
            "ownerReferences": [["apiVersion": "doze.dev/v1alpha1", "kind": "App", "name": "a", "uid": "u-0",
                                 "controller": true, "someNewRefField": "keep"]],
            "futureMeta": "keep",
        ]
        o["spec"] = ["futureSpec": ["nested": ["deep": 1]]]
        o["status"] = ["futureStatus": "keep"]
        return o
    }

    static func roundTrip<T: KubeObject>(_ type: T.Type, mutate: (inout T) -> Void) throws -> (JSON, JSON) {
        let original = sample(T.resourceType)
        var object = T(json: try JSON(parsing: original.serialized()))
        mutate(&object)
        let encoded = try JSON(parsing: object.json.serializedBytes())
        return (original, encoded)
    }

    /// Every path of `original` that the mutation did not name is still there with its value.
    static func expectKept(_ original: JSON, _ encoded: JSON, except changed: Set<String> = []) {
        for path in ["futureTopLevel", "metadata.futureMeta", "metadata.managedFields", "metadata.uid",
                     "metadata.generation", "spec.futureSpec", "status.futureStatus"] where !changed.contains(path) {
            let keys = path.split(separator: ".").map(String.init)
            let a = keys.reduce(original) { $0[$1] }
            let b = keys.reduce(encoded) { $0[$1] }
            #expect(a == b, "\(path) changed")
        }
        #expect(encoded[path: "metadata", "ownerReferences"][0]["someNewRefField"].string == "keep")
    }

    @Test func deployment() throws {
        let (o, e) = try Self.roundTrip(Deployment.self) { d in
            d.spec.replicas = 0
            d.metadata.labels["tier"] = "x"
            d.status.readyReplicas = 2
            d.status.conditions = [StatusCondition(type: "Available", status: "True")]
        }
        Self.expectKept(o, e)
        let d = Deployment(json: e)
        #expect(d.spec.replicas == 0)
        #expect(d.metadata.labels == ["app": "web", "tier": "x"])
        #expect(d.status.readyReplicas == 2)
        #expect(d.status.conditions[type: "Available"]?.isTrue == true)
        #expect(d.metadata.controllerReference?.kind == "App")
    }

    @Test func everyKindKeepsUnknownFields() throws {
        func check<T: KubeObject>(_ t: T.Type, _ mutate: (inout T) -> Void) throws {
            let (o, e) = try Self.roundTrip(t, mutate: mutate)
            Self.expectKept(o, e)
            #expect(e["kind"].string == T.resourceType.kind)
        }
        try check(AppObject.self) { $0.status.state = "Idle"; $0.status.observedGeneration = 3 }
        try check(Service.self) { $0.spec.ports = [ServicePort(name: "http", port: 80, targetPort: 8080)] }
        try check(PersistentVolumeClaim.self) { $0.storageRequest = "1Gi" }
        try check(Secret.self) { $0.data = ["k": Array("v".utf8)] }
        try check(ConfigMap.self) { $0.data = ["k": "v"] }
        try check(EndpointSlice.self) { $0.addressType = "IPv4"; $0.endpoints = [Endpoint(addresses: ["10.0.0.1"], ready: true)] }
        try check(Lease.self) { $0.spec.holderIdentity = "me"; $0.spec.leaseTransitions = 1 }
        try check(Event.self) { $0.reason = "Woke"; $0.note = "n" }
        try check(CoreEvent.self) { $0.reason = "Woke"; $0.count = 2 }
        try check(Pod.self) { $0.spec.nodeName = "node-1" }
        try check(Namespace.self) { $0.metadata.annotations["x"] = "y" }
        try check(CustomResourceDefinition.self) { $0.metadata.labels["x"] = "y" }
    }

    @Test func dynamicObjectAndStatusAndScaleKeepEverything() throws {
        let original = Self.sample(.deployment)
        var dynamic = DynamicObject(json: original)
        dynamic.metadata.resourceVersion = "43"
        #expect(dynamic.json[path: "spec", "futureSpec"] == original[path: "spec", "futureSpec"])
        #expect(dynamic.as(Deployment.self).resourceVersion == "43")

        let scaleJSON: JSON = ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": ["name": "a"],
                               "spec": ["replicas": 3], "status": ["replicas": 2, "selector": "app=web"], "extra": 1]
        var scale = Scale(json: scaleJSON)
        scale.specReplicas = 0
        #expect(scale.json["extra"] == 1)
        #expect(scale.statusReplicas == 2 && scale.selector == "app=web" && scale.specReplicas == 0)

        let statusJSON: JSON = ["kind": "Status", "code": 422, "reason": "Invalid", "message": "m",
                                "details": ["name": "a", "causes": [["reason": "FieldValueRequired", "field": "spec.x"]]],
                                "unknown": true]
        let status = Status(json: statusJSON)
        #expect(status.json == statusJSON)
        #expect(status.details?.causes.first?.field == "spec.x")
    }

    @Test func endpointSliceAccessors() throws {
        let json: JSON = [
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": ["name": "web-x", "namespace": "d", "labels": ["kubernetes.io/service-name": "web"]],
            "endpoints": [
                ["addresses": ["10.1.0.5"], "conditions": ["ready": true, "serving": true, "terminating": false],
                 "nodeName": "n1", "targetRef": ["kind": "Pod", "namespace": "d", "name": "web-1", "uid": "p1"]],
                ["addresses": ["10.1.0.6"]],
            ],
            "ports": [["name": "http", "port": 8080, "protocol": "TCP"]],
        ]
        let slice = EndpointSlice(json: json)
        #expect(slice.serviceName == "web")
        #expect(slice.endpoints.map(\.addresses) == [["10.1.0.5"], ["10.1.0.6"]])
        #expect(slice.endpoints[0].conditions.terminating == false)
        #expect(slice.endpoints[1].conditions.isReady)  // missing ready counts as ready
        #expect(slice.endpoints[0].targetRef?.name == "web-1")
        #expect(slice.ports.first?.port == 8080 && slice.ports.first?.name == "http")
    }

    @Test func leaseTimesAreMicroTime() throws {
        var lease = Lease(name: "l", namespace: "ns")
        lease.spec.renewDate = Date(timeIntervalSince1970: 1_718_100_302.123456)
        #expect(lease.spec.renewTime == "2024-06-11T10:05:02.123456Z")
        #expect(abs((lease.spec.renewDate?.timeIntervalSince1970 ?? 0) - 1_718_100_302.123456) < 1e-5)
        #expect(KubeTime.format(Date(timeIntervalSince1970: 1_718_100_000)) == "2024-06-11T10:00:00Z")
        #expect(KubeTime.parse("2024-06-11T12:00:00+02:00")?.timeIntervalSince1970 == 1_718_100_000)
        #expect(KubeTime.parse("yesterday") == nil)
        #expect(lease.json["apiVersion"] == "coordination.k8s.io/v1")
        #expect(lease.namespace == "ns")
    }

    @Test func newEventHasWhatCreateRequires() {
        var app = AppObject(name: "blog", namespace: "team")
        app.metadata.uid = "u-9"
        let e = Event(regarding: ObjectReference(to: app), reason: "Woke", note: "first request", action: "Scale",
                      reportingController: "doze.dev/controller", reportingInstance: "pod-1",
                      eventTime: Date(timeIntervalSince1970: 1_718_100_000.5))
        #expect(e.name == "blog.\(String(UInt64(1_718_100_000_500_000_000), radix: 16))")
        #expect(e.namespace == "team" && e.kind == "Event" && e.apiVersion == "events.k8s.io/v1")
        #expect(e.eventTime == "2024-06-11T10:00:00.500000Z")
        #expect(e.regarding.kind == "App" && e.regarding.uid == "u-9" && e.regarding.apiVersion == "doze.dev/v1alpha1")
        #expect(e.type == "Normal" && e.reportingController == "doze.dev/controller" && e.action == "Scale")
    }

    @Test func secretDataIsBase64OnTheWire() {
        var s = Secret(name: "s", namespace: "d")
        s.data = ["password": Array("hunter2".utf8)]
        #expect(s.json[path: "data", "password"].string == "aHVudGVyMg==")
        #expect(s.string(forKey: "password") == "hunter2")
    }

    @Test func listItemsGetTypeMeta() throws {
        let list: JSON = ["kind": "DeploymentList", "apiVersion": "apps/v1",
                          "metadata": ["resourceVersion": "9", "continue": "", "remainingItemCount": 0],
                          "items": [["metadata": ["name": "a"], "spec": ["replicas": 1]]]]
        let decoded = try ObjectList<Deployment>(json: list, type: .deployment)
        #expect(decoded.resourceVersion == "9")
        #expect(decoded.continueToken == nil)  // "" means no more pages
        #expect(decoded.items.first?.kind == "Deployment" && decoded.items.first?.apiVersion == "apps/v1")
        #expect(decoded.items.first?.spec.replicas == 1)
    }

    @Test func labelSelectorQueryString() {
        var s = LabelSelector(matchLabels: ["b": "2", "a": "1"])
        s.json["matchExpressions"] = [["key": "tier", "operator": "In", "values": ["y", "x"]],
                                      ["key": "gone", "operator": "DoesNotExist"]]
        #expect(s.queryString == "a=1,b=2,tier in (x,y),!gone")
    }
}
