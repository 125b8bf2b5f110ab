import DozeJSON
import Testing
@testable import LocalCluster

let widgetCRD: JSON = [
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": ["name": "widgets.example.com"],
    "spec": [
        "group": "example.com", "scope": "Namespaced",
        "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"], "categories": ["all"]],
        "versions": [[
            "name": "v1", "served": true, "storage": true,
            "subresources": ["status": .emptyObject,
                             "scale": ["specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"]],
            "additionalPrinterColumns": [
                ["name": "Size", "type": "integer", "jsonPath": ".spec.size"],
                ["name": "Phase", "type": "string", "jsonPath": ".status.phase"],
                ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"],
            ],
            "schema": ["openAPIV3Schema": [
                "type": "object",
                "properties": [
                    "spec": ["type": "object", "required": ["size"], "properties": [
                        "size": ["type": "integer", "minimum": 1],
                        "replicas": ["type": "integer", "default": 1],
                        "color": ["type": "string", "enum": ["red", "blue"]],
                    ]],
                    "status": ["type": "object", "properties": ["phase": ["type": "string"], "replicas": ["type": "integer"]]],
                ],
            ]],
        ]],
    ],
]

func widget(_ name: String, size: JSON = 3, extra: JSON = .null) -> JSON {
    var w: JSON = ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": .string(name)],
                   "spec": ["size": size]]
    if !extra.isNull { w["spec"]["extra"] = extra }
    return w
}

@Suite struct CustomResourceTests {
    let api = APIClient()
    let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    let widgets = "/apis/example.com/v1/namespaces/default/widgets"

    func install() async -> JSON {
        await api.post(crds, widgetCRD).json
    }

    @Test func crdIsEstablishedAndServed() async {
        let crd = await install()
        let conds = crd["status"]["conditions"].array ?? []
        #expect(conds.contains { $0["type"] == "Established" && $0["status"] == "True" })
        #expect(conds.contains { $0["type"] == "NamesAccepted" && $0["status"] == "True" })
        #expect(crd["status"]["acceptedNames"]["listKind"] == "WidgetList")
        let res = await api.get("/apis/example.com/v1").json["resources"].array ?? []
        #expect(res.first { $0["name"] == "widgets" }?["shortNames"] == ["wd"])
        #expect(res.contains { $0["name"] == "widgets/status" } && res.contains { $0["name"] == "widgets/scale" })
        let groups = (await api.get("/apis").json["groups"].array ?? []).compactMap { $0["name"].string }
        #expect(groups.contains("example.com"))
    }

    @Test func createDefaultsAndDropsStatus() async {
        _ = await install()
        var w = widget("w1")
        w["status"] = ["phase": "Ready"]
        let r = await api.post(widgets, w)
        #expect(r.status == 201 && r.json["spec"]["replicas"] == 1 && r.json["status"].isNull)
        #expect(r.json["metadata"]["generation"] == 1)
    }

    @Test func validationErrorsAre422WithCauses() async {
        _ = await install()
        var w = widget("w1", size: 0)
        w["spec"]["color"] = "green"
        let r = await api.post(widgets, w)
        #expect(r.status == 422 && r.json["reason"] == "Invalid")
        #expect(r.json["details"]["kind"] == "Widget" && r.json["details"]["group"] == "example.com")
        let fields = (r.json["details"]["causes"].array ?? []).compactMap { $0["field"].string }
        #expect(Set(fields) == ["spec.size", "spec.color"])
        #expect((r.json["message"].string ?? "").hasPrefix("Widget.example.com \"w1\" is invalid: ["))
        var missing = widget("w2")
        missing["spec"] = .emptyObject
        let m = await api.post(widgets, missing)
        #expect(m.json["details"]["causes"][0]["reason"] == "FieldValueRequired")
    }

    @Test func unknownFieldsPrunedWarnedOrRejected() async {
        _ = await install()
        let warn = await api.post(widgets, widget("w1", extra: "x"))
        #expect(warn.status == 201 && warn.json["spec"]["extra"].isNull)
        #expect(warn.headers.values("Warning") == ["299 - \"unknown field \\\"spec.extra\\\"\""])
        let strict = await api.call("POST", "\(widgets)?fieldValidation=Strict", widget("w2", extra: "x"))
        #expect(strict.status == 400 && (strict.json["message"].string ?? "").contains("strict decoding error: unknown field \"spec.extra\""))
        let ignore = await api.call("POST", "\(widgets)?fieldValidation=Ignore", widget("w3", extra: "x"))
        #expect(ignore.status == 201 && ignore.headers.values("Warning").isEmpty)
        let patch = await api.call("PATCH", "\(widgets)/w1?fieldValidation=Strict", ["spec": ["extra": 1]],
                                   contentType: "application/merge-patch+json")
        #expect(patch.status == 422)
    }

    @Test func updateNeedsResourceVersionAndStatusIsSeparate() async {
        _ = await install()
        let w = await api.post(widgets, widget("w1")).json
        var noRV = w
        noRV["metadata"]["resourceVersion"] = nil
        #expect(await api.put("\(widgets)/w1", noRV).status == 422)
        var s = w
        s["status"] = ["phase": "Ready", "replicas": 1]
        let st = await api.put("\(widgets)/w1/status", s)
        #expect(st.status == 200 && st.json["status"]["phase"] == "Ready" && st.json["metadata"]["generation"] == 1)
        let smp = await api.patch("\(widgets)/w1", ["spec": ["size": 4]], "application/strategic-merge-patch+json")
        #expect(smp.status == 415)
        let scale = await api.patch("\(widgets)/w1/scale", ["spec": ["replicas": 3]], "application/merge-patch+json")
        #expect(scale.json["spec"]["replicas"] == 3 && scale.json["status"]["replicas"] == 1)
    }

    @Test func printerColumnsInTable() async {
        _ = await install()
        _ = await api.post(widgets, widget("w1", size: 7))
        let t = await api.get("/apis/example.com/v1/widgets", accept: tableAccept).json
        let cols = (t["columnDefinitions"].array ?? []).compactMap { $0["name"].string }
        #expect(cols == ["Name", "Size", "Phase", "Age"])
        #expect(t["rows"][0]["cells"][0] == "w1" && t["rows"][0]["cells"][1] == 7 && t["rows"][0]["cells"][2].isNull)
    }

    @Test func deletingCRDRemovesItsResources() async {
        _ = await install()
        _ = await api.post(widgets, widget("w1"))
        let d = await api.delete("\(crds)/widgets.example.com")
        #expect(d.status == 200)
        while GarbageCollector(store: api.server.store).collect() > 0 {}
        #expect(await api.get("\(crds)/widgets.example.com").status == 404)
        #expect(await api.get(widgets).status == 404)
    }

    @Test func invalidCRDIsRejected() async {
        var bad = widgetCRD
        bad["metadata"]["name"] = "wrong.example.com"
        bad["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["type"] = "string"
        let r = await api.post(crds, bad)
        #expect(r.status == 422)
        let fields = (r.json["details"]["causes"].array ?? []).compactMap { $0["field"].string }
        #expect(fields.contains("metadata.name"))
    }
}
