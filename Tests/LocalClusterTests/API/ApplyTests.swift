import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct ApplyTests {
    let api = APIClient()
    let deploys = "/apis/apps/v1/namespaces/default/deployments"
    let applyType = "application/apply-patch+yaml"

    func apply(_ manager: String, replicas: Int, force: Bool = false) async -> APIClient.Reply {
        await api.call("PATCH", "\(deploys)/web?fieldManager=\(manager)&force=\(force)", deployment("web", replicas: replicas),
                       contentType: applyType)
    }

    @Test func applyCreatesThenUpdates() async {
        let first = await apply("kubectl", replicas: 2)
        #expect(first.status == 201 && first.json["spec"]["replicas"] == 2)
        let entries = first.json["metadata"]["managedFields"].array ?? []
        #expect(entries.contains { $0["manager"] == "kubectl" && $0["operation"] == "Apply" })
        let again = await apply("kubectl", replicas: 3)
        #expect(again.status == 200 && again.json["spec"]["replicas"] == 3)
    }

    @Test func conflictingManagersNeedForce() async {
        _ = await apply("alice", replicas: 2)
        let clash = await apply("bob", replicas: 5)
        #expect(clash.status == 409 && clash.json["reason"] == "Conflict")
        #expect(clash.json["details"]["causes"][0]["reason"] == "FieldManagerConflict")
        #expect(clash.json["details"]["causes"][0]["field"] == ".spec.replicas")
        let forced = await apply("bob", replicas: 5, force: true)
        #expect(forced.status == 200 && forced.json["spec"]["replicas"] == 5)
    }

    @Test func scaleTakesOwnershipSoApplyConflicts() async {
        _ = await apply("kubectl", replicas: 2)
        let s = await api.call("PATCH", "\(deploys)/web/scale?fieldManager=kubectl-scale", ["spec": ["replicas": 4]],
                               contentType: "application/merge-patch+json")
        #expect(s.status == 200)
        let d = await api.get("\(deploys)/web").json
        #expect((d["metadata"]["managedFields"].array ?? []).contains { $0["manager"] == "kubectl-scale" && $0["subresource"] == "scale" })
        #expect(await apply("kubectl", replicas: 2).status == 409)
    }

    @Test func applyNeedsFieldManager() async {
        let r = await api.call("PATCH", "\(deploys)/web", deployment("web"), contentType: applyType)
        #expect(r.status == 422 && r.json["details"]["kind"] == "PatchOptions")
    }

    @Test func updatesRecordUpdateManagers() async {
        _ = await api.post(deploys, deployment("web"))
        let p = await api.call("PATCH", "\(deploys)/web?fieldManager=kubectl-label", ["metadata": ["labels": ["x": "y"]]],
                               contentType: "application/merge-patch+json")
        let entries = p.json["metadata"]["managedFields"].array ?? []
        #expect(entries.contains { $0["manager"] == "kubectl-label" && $0["operation"] == "Update" })
        // Without fieldManager the User-Agent's program name is used.
        #expect(entries.contains { $0["manager"] == "kubectl" })
    }
}
