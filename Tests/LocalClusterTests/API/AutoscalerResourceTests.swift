import DozeJSON
import Testing
@testable import LocalCluster

/// autoscaling/v2 HorizontalPodAutoscalers are stored as plain objects (no autoscaler runs), so
/// that `kubectl create/get/apply/delete hpa` work and controllers can watch them.
@Suite struct AutoscalerResourceTests {
    let api = APIClient()
    let hpas = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"

    func hpa(_ name: String, target: String, max: Int = 5) -> JSON {
        ["apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
         "metadata": ["name": .string(name), "namespace": "default"],
         "spec": ["scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(target)],
                  "minReplicas": 1, "maxReplicas": JSON(max),
                  "metrics": [["type": "Resource",
                               "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]]]]]]
    }

    @Test func discoveryNamesItWithItsShortName() async {
        let groups = await api.get("/apis").json["groups"].array ?? []
        #expect(groups.contains { $0["name"] == "autoscaling" })
        let resources = await api.get("/apis/autoscaling/v2").json["resources"].array ?? []
        let r = resources.first { $0["name"] == "horizontalpodautoscalers" }
        #expect(r?["kind"] == "HorizontalPodAutoscaler" && r?["namespaced"] == true)
        #expect(r?["shortNames"].array?.contains("hpa") == true)
    }

    @Test func createGetListPatchApplyDelete() async {
        let c = await api.post(hpas, hpa("web", target: "web"))
        #expect(c.status == 201 && c.json["kind"] == "HorizontalPodAutoscaler")
        #expect(c.json["status"]["currentReplicas"] == 0)
        #expect(await api.get("\(hpas)/web").json["spec"]["scaleTargetRef"]["name"] == "web")
        let list = await api.get("/apis/autoscaling/v2/horizontalpodautoscalers").json
        #expect(list["kind"] == "HorizontalPodAutoscalerList" && list["items"].array?.count == 1)
        let table = await api.get(hpas, accept: tableAccept).json
        #expect(table["kind"] == "Table" && table["rows"].array?.count == 1)
        #expect(table["columnDefinitions"].array?.compactMap { $0["name"].string } ==
                ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"])
        #expect(table["rows"][0]["cells"].array?.prefix(6).map { $0 } == ["web", "Deployment/web", "<unknown>/80%", "1", 5, 0])

        let merged = await api.patch("\(hpas)/web", ["spec": ["maxReplicas": 8]], "application/merge-patch+json")
        #expect(merged.status == 200 && merged.json["spec"]["maxReplicas"] == 8)
        // kubectl apply --server-side
        let applied = await api.call("PATCH", "\(hpas)/web?fieldManager=kubectl&force=true",
                                     hpa("web", target: "web", max: 3), contentType: "application/apply-patch+yaml")
        #expect(applied.status == 200 && applied.json["spec"]["maxReplicas"] == 3)
        // The status subresource is separate, as an autoscaler writes it.
        let status = await api.patch("\(hpas)/web/status", ["status": ["currentReplicas": 2, "desiredReplicas": 2]],
                                     "application/merge-patch+json")
        #expect(status.status == 200 && status.json["status"]["currentReplicas"] == 2)
        #expect(await api.get("\(hpas)/web").json["spec"]["maxReplicas"] == 3)

        #expect(await api.delete("\(hpas)/web").status == 200)
        #expect(await api.get("\(hpas)/web").status == 404)
    }
}
