import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct DiscoveryTests {
    let api = APIClient()

    @Test func versionAndHealth() async {
        #expect(await api.get("/version").json["major"] == "1")
        for p in ["/healthz", "/readyz", "/livez"] { #expect(await api.get(p).status == 200) }
    }

    @Test func coreAndGroups() async {
        let core = await api.get("/api")
        #expect(core.json["kind"] == "APIVersions" && core.json["versions"] == ["v1"])
        #expect(core.raw.headers["Content-Type"] == "application/json")
        let groups = await api.get("/apis").json
        let names = (groups["groups"].array ?? []).compactMap { $0["name"].string }
        #expect(names.contains("apps") && names.contains("apiextensions.k8s.io") && names.contains("coordination.k8s.io"))
        #expect(groups["groups"][0]["preferredVersion"]["groupVersion"] == "apps/v1")
    }

    @Test func resourceListHasSubresources() async {
        let apps = await api.get("/apis/apps/v1").json
        let entries = apps["resources"].array ?? []
        let deploy = entries.first { $0["name"] == "deployments" }
        #expect(deploy?["shortNames"] == ["deploy"] && deploy?["namespaced"] == true && deploy?["kind"] == "Deployment")
        let scale = entries.first { $0["name"] == "deployments/scale" }
        #expect(scale?["group"] == "autoscaling" && scale?["version"] == "v1" && scale?["kind"] == "Scale")
        #expect(entries.contains { $0["name"] == "deployments/status" })
        let core = await api.get("/api/v1").json["resources"].array ?? []
        #expect(core.contains { $0["name"] == "pods/log" })
        #expect(core.first { $0["name"] == "namespaces" }?["namespaced"] == false)
    }

    @Test func unknownPathsAre404Status() async {
        let r = await api.get("/apis/nope.example.com/v1")
        #expect(r.status == 404 && r.json["kind"] == "Status")
        #expect(await api.get("/api/v1/widgets").status == 404)
    }

    @Test func openAPIv3DeclaresFieldValidation() async {
        let root = await api.get("/openapi/v3").json
        let url = root["paths"]["apis/apps/v1"]["serverRelativeURL"].string ?? ""
        #expect(url.hasPrefix("/openapi/v3/apis/apps/v1?hash="))
        let doc = await api.get(url).json
        let op = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
        #expect(op["x-kubernetes-group-version-kind"]["kind"] == "Deployment")
        #expect(op["parameters"][0]["name"] == "fieldValidation")
    }

    @Test func openAPIv2IsServedAsProtobufOrJSON() async {
        let pb = await api.get("/openapi/v2", accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
        #expect(pb.status == 200 && pb.raw.headers["Content-Type"] == OpenAPIv2Document.protobufType)
        let json = await api.get("/openapi/v2", accept: "application/json")
        #expect(json.json["swagger"] == "2.0")
    }
}
