import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct ResourceAPITests {
    let api = APIClient()
    let cms = "/api/v1/namespaces/default/configmaps"
    let deploys = "/apis/apps/v1/namespaces/default/deployments"

    @Test func createGetListDelete() async {
        let c = await api.post(cms, configMap("a", data: ["k": "v"]))
        #expect(c.status == 201 && c.json["kind"] == "ConfigMap" && c.json["metadata"]["namespace"] == "default")
        #expect(await api.get("\(cms)/a").json["data"]["k"] == "v")
        let list = await api.get(cms).json
        #expect(list["kind"] == "ConfigMapList" && list["apiVersion"] == "v1" && list["items"].array?.count == 1)
        #expect(list["items"][0]["kind"] == "ConfigMap")
        let d = await api.delete("\(cms)/a")
        #expect(d.status == 200 && d.json["kind"] == "Status" && d.json["status"] == "Success")
        #expect(d.json["details"]["kind"] == "configmaps")
        #expect(await api.get("\(cms)/a").status == 404)
    }

    @Test func errorsCarryStatus() async {
        _ = await api.post(cms, configMap("a"))
        let dup = await api.post(cms, configMap("a"))
        #expect(dup.status == 409 && dup.json["reason"] == "AlreadyExists" && dup.json["kind"] == "Status")
        let miss = await api.get("\(deploys)/nope")
        #expect(miss.status == 404 && miss.json["message"] == "deployments.apps \"nope\" not found")
        let wrongNS = await api.post(cms, configMap("b", namespace: "kube-system"))
        #expect(wrongNS.status == 400)
        let badName = await api.put("\(cms)/a", configMap("b"))
        #expect(badName.status == 400 && badName.json["message"] == "the name of the object (b) does not match the name on the URL (a)")
        #expect(await api.call("POST", "\(cms)/a", configMap("a")).status == 405)
    }

    @Test func replaceWithStaleVersionConflicts() async {
        let c = await api.post(cms, configMap("a")).json
        var first = c
        first["data"] = ["x": "1"]
        #expect(await api.put("\(cms)/a", first).status == 200)
        var stale = c
        stale["data"] = ["x": "2"]
        let r = await api.put("\(cms)/a", stale)
        #expect(r.status == 409 && r.json["reason"] == "Conflict")
    }

    @Test func statusSubresourceOverHTTP() async {
        let d = await api.post(deploys, deployment("web")).json
        var s = d
        s["status"] = ["replicas": 2]
        s["spec"]["replicas"] = 9
        let r = await api.put("\(deploys)/web/status", s)
        #expect(r.status == 200 && r.json["status"]["replicas"] == 2 && r.json["spec"]["replicas"] == 1)
        #expect(await api.get("\(deploys)/web/status").json["status"]["replicas"] == 2)
        #expect(await api.get("/api/v1/namespaces/default/configmaps/x/status").status == 404)
    }

    @Test func patches() async {
        _ = await api.post(deploys, deployment("web"))
        let merge = await api.patch("\(deploys)/web", ["metadata": ["labels": ["tier": "front"]]], "application/merge-patch+json")
        #expect(merge.status == 200 && merge.json["metadata"]["labels"]["tier"] == "front")
        let json = await api.patch("\(deploys)/web", [["op": "replace", "path": "/spec/replicas", "value": 3]],
                                   "application/json-patch+json")
        #expect(json.json["spec"]["replicas"] == 3 && json.json["metadata"]["generation"] == 2)
        let failing = await api.patch("\(deploys)/web", [["op": "test", "path": "/spec/replicas", "value": 7]],
                                      "application/json-patch+json")
        #expect(failing.status == 422 && failing.json["reason"] == "Invalid")
        let smp: JSON = ["spec": ["template": ["spec": ["containers": [["name": "side", "image": "busybox"]]]]]]
        let s = await api.patch("\(deploys)/web", smp, "application/strategic-merge-patch+json")
        let names = (s.json["spec"]["template"]["spec"]["containers"].array ?? []).compactMap { $0["name"].string }
        #expect(Set(names) == ["app", "side"])
        let bad = await api.patch("\(deploys)/web", ["a": 1], "text/plain")
        #expect(bad.status == 415)
        let force = await api.call("PATCH", "\(deploys)/web?force=true", ["a": 1], contentType: "application/merge-patch+json")
        #expect(force.status == 422)
        let stale = await api.patch("\(deploys)/web", ["metadata": ["resourceVersion": "1"]], "application/merge-patch+json")
        #expect(stale.status == 409)
        #expect(await api.patch("\(deploys)/ghost", ["a": 1], "application/merge-patch+json").status == 404)
    }

    @Test func scaleSubresource() async {
        _ = await api.post(deploys, deployment("web", replicas: 2))
        let s = await api.get("\(deploys)/web/scale").json
        #expect(s["kind"] == "Scale" && s["apiVersion"] == "autoscaling/v1" && s["spec"]["replicas"] == 2)
        #expect(s["status"]["selector"] == "app=web")
        let p = await api.patch("\(deploys)/web/scale", ["spec": ["replicas": 5]], "application/merge-patch+json")
        #expect(p.status == 200 && p.json["spec"]["replicas"] == 5)
        #expect(await api.get("\(deploys)/web").json["spec"]["replicas"] == 5)
        var put = p.json
        put["spec"]["replicas"] = 1
        #expect(await api.put("\(deploys)/web/scale", put).json["spec"]["replicas"] == 1)
        put["spec"]["replicas"] = 4  // stale resourceVersion now
        #expect(await api.put("\(deploys)/web/scale", put).status == 409)
    }

    /// A scale patch without a resourceVersion that races a status write is applied again to the
    /// newer object (kube-apiserver's GuaranteedUpdate), never answered 409; its `test` op is
    /// checked against what the write replaces.
    @Test func scalePatchRacingStatusWritesNeverConflicts() async {
        _ = await api.post(deploys, deployment("race", replicas: 0))
        let statuses = Task {
            for i in 0..<400 {
                _ = await api.patch("\(deploys)/race/status", ["status": ["observedGeneration": .int(Int64(i))]],
                                    "application/merge-patch+json")
            }
        }
        var codes: [Int] = []
        for i in 0..<60 {
            let body: JSON = [["op": "test", "path": "/spec/replicas", "value": .int(Int64(i))],
                              ["op": "replace", "path": "/spec/replicas", "value": .int(Int64(i + 1))]]
            codes.append(await api.patch("\(deploys)/race/scale", body, "application/json-patch+json").status)
        }
        await statuses.value
        #expect(codes.allSatisfy { $0 == 200 }, "\(codes)")
        #expect(await api.get("\(deploys)/race").json["spec"]["replicas"] == 60)
        let failed: JSON = [["op": "test", "path": "/spec/replicas", "value": 0],
                            ["op": "replace", "path": "/spec/replicas", "value": 1]]
        #expect(await api.patch("\(deploys)/race/scale", failed, "application/json-patch+json").status == 422)
    }

    @Test func selectorsAndPagingOverHTTP() async {
        for i in 0..<5 { _ = await api.post(cms, configMap("c\(i)", labels: ["n": String(i % 2)])) }
        let odd = await api.get("\(cms)?labelSelector=n%3D1").json
        #expect(odd["items"].array?.count == 2)
        let byName = await api.get("/api/v1/configmaps?fieldSelector=metadata.name%3Dc3").json
        #expect(byName["items"].array?.count == 1)
        #expect(await api.get("\(cms)?fieldSelector=data.x%3D1").status == 400)
        let page = await api.get("\(cms)?limit=2").json
        #expect(page["items"].array?.count == 2 && page["metadata"]["remainingItemCount"] == 3)
        let token = page["metadata"]["continue"].string ?? ""
        let next = await api.get("\(cms)?limit=2&continue=\(token)").json
        #expect(next["items"][0]["metadata"]["name"] == "c2")
        #expect(next["metadata"]["resourceVersion"] == page["metadata"]["resourceVersion"])
    }

    @Test func dryRunCreatesNothing() async {
        let r = await api.call("POST", "\(cms)?dryRun=All", configMap("a"))
        #expect(r.status == 201)
        #expect(await api.get("\(cms)/a").status == 404)
    }

    @Test func deletePropagationAndNamespace() async {
        let fg = await api.delete("\(deploys)/ghost")
        #expect(fg.status == 404)
        _ = await api.post(deploys, deployment("web"))
        let r = await api.delete("\(deploys)/web", ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"])
        #expect(r.status == 200 && r.json["metadata"]["finalizers"] == ["foregroundDeletion"])
        GarbageCollector(store: api.server.store).collect()
        #expect(await api.get("\(deploys)/web").status == 404)

        _ = await api.post("/api/v1/namespaces", ["metadata": ["name": "tmp"]])
        _ = await api.post("/api/v1/namespaces/tmp/configmaps", configMap("a", namespace: "tmp"))
        let ns = await api.delete("/api/v1/namespaces/tmp")
        #expect(ns.json["status"]["phase"] == "Terminating")
        while GarbageCollector(store: api.server.store).collect() > 0 {}
        #expect(await api.get("/api/v1/namespaces/tmp").status == 404)
    }

    @Test func podsReturnTheDeletedObject() async {
        _ = await api.post("/api/v1/namespaces/default/pods",
                           ["metadata": ["name": "p"], "spec": ["containers": [["name": "c", "image": "x"]]]])
        let r = await api.delete("/api/v1/namespaces/default/pods/p")
        #expect(r.json["kind"] == "Pod")
    }
}
