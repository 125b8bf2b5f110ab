import Foundation
import Testing
import DozeJSON
@testable import LocalCluster

@Suite struct EventRecorderTests {
    @Test func writesCoreEventsAndCountsRepeats() throws {
        let store = ObjectStore()
        let recorder = EventRecorder(store: store, host: "doze-local")
        let pod: JSON = ["metadata": ["name": "web-1", "namespace": "default", "uid": "u1"]]
        let unhealthy = WorkloadEvent.pod(pod, container: "web", warning: true, "Unhealthy", "Readiness probe failed: refused")
        recorder.record(unhealthy, now: epoch)
        recorder.record(unhealthy, now: epoch + 10)
        recorder.record(.pod(pod, "Scheduled", "Successfully assigned default/web-1 to doze-local", component: "default-scheduler"), now: epoch)
        let events = try store.list(.events, namespace: "default").items
        #expect(events.count == 2)
        let e = try #require(events.first { $0["reason"] == "Unhealthy" })
        #expect(e["type"] == "Warning")
        #expect(e["count"] == 2)
        #expect(e["firstTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(e["lastTimestamp"] == "2023-11-14T22:13:30Z")
        #expect(e["involvedObject"] == ["kind": "Pod", "apiVersion": "v1", "namespace": "default", "name": "web-1",
                                        "uid": "u1", "fieldPath": "spec.containers{web}"])
        #expect(e["source"] == ["component": "kubelet", "host": "doze-local"])
        #expect(e[path: "metadata", "name"].string?.hasPrefix("web-1.") == true)
        let s = try #require(events.first { $0["reason"] == "Scheduled" })
        #expect(s["source"] == ["component": "default-scheduler"])
    }

    @Test func deploymentDecisionsCarryScalingEvents() {
        let decision = DeploymentReconciler(now: epoch, suffix: counterSuffix()).reconcile(deployment: deployment(replicas: 2), pods: [])
        let hash = PodTemplateHash.of(deployment()[path: "spec", "template"])
        #expect(decision.events.map(\.message) == ["Scaled up replica set web-\(hash) to 2 from 0"])
        #expect(decision.events.first?.component == "deployment-controller")
    }
}
