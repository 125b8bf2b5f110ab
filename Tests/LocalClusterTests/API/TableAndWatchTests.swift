import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct TableAndWatchTests {
    let api = APIClient(bookmarkInterval: .milliseconds(50))
    let deploys = "/apis/apps/v1/namespaces/default/deployments"

    @Test func deploymentTable() async {
        _ = await api.post(deploys, deployment("web", replicas: 3))
        let t = await api.get(deploys, accept: tableAccept).json
        #expect(t["kind"] == "Table" && t["apiVersion"] == "meta.k8s.io/v1")
        let cols = (t["columnDefinitions"].array ?? []).map { $0["name"].string ?? "" }
        #expect(Array(cols.prefix(5)) == ["Name", "Ready", "Up-to-date", "Available", "Age"])
        #expect(t["rows"][0]["cells"][0] == "web" && t["rows"][0]["cells"][1] == "0/3")
        #expect(t["rows"][0]["object"]["kind"] == "PartialObjectMetadata")
        let one = await api.get("\(deploys)/web?includeObject=Object", accept: tableAccept).json
        #expect(one["rows"].array?.count == 1 && one["rows"][0]["object"]["kind"] == "Deployment")
    }

    @Test func genericTableForUnprintedKind() async {
        let t = await api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", accept: tableAccept).json
        #expect((t["columnDefinitions"].array ?? []).map { $0["name"] } == ["Name", "Created At"])
    }

    @Test func watchStreamsEvents() async throws {
        let rv = api.server.store.resourceVersion
        let w = await api.get("\(deploys)?watch=true&resourceVersion=\(rv)")
        #expect(w.status == 200)
        _ = await api.post(deploys, deployment("web"))
        _ = await api.patch("\(deploys)/web", ["spec": ["replicas": 2]], "application/merge-patch+json")
        _ = await api.delete("\(deploys)/web")
        let lines = await streamedLines(w.raw, count: 3)
        #expect(lines.map { $0["type"].string ?? "" } == ["ADDED", "MODIFIED", "DELETED"])
        #expect(lines[0]["object"]["kind"] == "Deployment")
    }

    @Test func watchTimeoutEndsWithBookmark() async {
        let w = await api.get("\(deploys)?watch=true&allowWatchBookmarks=true&timeoutSeconds=1")
        let lines = await streamedLines(w.raw, count: 100, within: 5)
        #expect(!lines.isEmpty && lines.allSatisfy { $0["type"] == "BOOKMARK" })
        #expect(lines.last?["object"]["metadata"]["resourceVersion"].string == api.server.store.resourceVersion)
    }

    @Test func watchTooOldIsExpiredErrorEvent() async throws {
        let store = ObjectStore(historyLimit: 2)
        let small = APIClient(store: store)
        for i in 0..<5 { try store.create(.configMaps, configMap("c\(i)")) }
        let w = await small.get("/api/v1/configmaps?watch=1&resourceVersion=1")
        let lines = await streamedLines(w.raw, count: 1)
        #expect(w.status == 200 && lines.first?["type"] == "ERROR")
        #expect(lines.first?["object"]["code"] == 410 && lines.first?["object"]["reason"] == "Expired")
    }

    @Test func watchOfNamedObjectAsTable() async {
        _ = await api.post(deploys, deployment("web"))
        _ = await api.post(deploys, deployment("other"))
        let w = await api.get("\(deploys)?watch=true&fieldSelector=metadata.name%3Dweb", accept: tableAccept)
        let lines = await streamedLines(w.raw, count: 1)
        #expect(lines.first?["type"] == "ADDED" && lines.first?["object"]["kind"] == "Table")
        #expect(lines.first?["object"]["rows"][0]["cells"][0] == "web")
    }

    @Test func watchOnAnObjectPathWatchesThatObject() async {
        _ = await api.post(deploys, deployment("web"))
        _ = await api.post(deploys, deployment("other"))
        let w = await api.get("\(deploys)/web?watch=true")
        let legacy = await api.get("/apis/apps/v1/watch/namespaces/default/deployments/web")
        #expect(await streamedLines(w.raw, count: 1).first?["object"]["metadata"]["name"] == "web")
        #expect(await streamedLines(legacy.raw, count: 1).first?["object"]["metadata"]["name"] == "web")
        #expect(await api.get("\(deploys)/web?watch=false").json["kind"] == "Deployment")
    }
}
