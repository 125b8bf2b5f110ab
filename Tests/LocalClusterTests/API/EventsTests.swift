import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct EventsTests {
    let api = APIClient()

    @Test func eventsV1AndCoreShareOneCollection() async {
        let v1: JSON = ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ["name": "e1"],
                        "regarding": ["kind": "Deployment", "name": "web", "namespace": "default"],
                        "reason": "Scaled", "note": "scaled to 2", "type": "Normal",
                        "reportingController": "doze.dev/controller", "reportingInstance": "doze-0",
                        "eventTime": "2026-01-01T00:00:00.000000Z", "action": "Scale"]
        let created = await api.post("/apis/events.k8s.io/v1/namespaces/default/events", v1)
        #expect(created.status == 201 && created.json["note"] == "scaled to 2" && created.json["apiVersion"] == "events.k8s.io/v1")
        let core = await api.get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb,involvedObject.kind%3DDeployment").json
        #expect(core["items"].array?.count == 1)
        #expect(core["items"][0]["message"] == "scaled to 2" && core["items"][0]["source"]["component"] == "doze.dev/controller")
        let byRegarding = await api.get("/apis/events.k8s.io/v1/events?fieldSelector=regarding.name%3Dweb").json
        #expect(byRegarding["items"][0]["regarding"]["kind"] == "Deployment")
    }

    @Test func coreEventIsReadableAsEventsV1() async {
        _ = await api.post("/api/v1/namespaces/default/events", [
            "metadata": ["name": "e2"], "involvedObject": ["kind": "Pod", "name": "p"], "reason": "Started",
            "message": "started", "count": 3, "source": ["component": "kubelet"]])
        let e = await api.get("/apis/events.k8s.io/v1/namespaces/default/events/e2").json
        #expect(e["note"] == "started" && e["deprecatedCount"] == 3 && e["reportingController"] == "kubelet")
        let w = await api.get("/apis/events.k8s.io/v1/namespaces/default/events?watch=true")
        let lines = await streamedLines(w.raw, count: 1)
        #expect(lines.first?["object"]["apiVersion"] == "events.k8s.io/v1" && lines.first?["object"]["note"] == "started")
    }
}
