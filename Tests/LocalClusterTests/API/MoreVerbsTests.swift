import DozeJSON
import Testing
@testable import LocalCluster

/// A log source with fixed content: the handler's routing and options are what is under test.
struct FixedLogs: PodLogSource {
    func podLog(namespace: String, name: String, container: String, options: PodLogOptions) -> AsyncStream<[UInt8]>? {
        guard container == "app" else { return nil }
        return AsyncStream { c in
            c.yield(Array("\(namespace)/\(name)/\(container) tail=\(options.tailLines ?? -1) follow=\(options.follow)\n".utf8))
            c.finish()
        }
    }
}

@Suite struct MoreVerbsTests {
    let api = APIClient()
    let cms = "/api/v1/namespaces/default/configmaps"
    let pods = "/api/v1/namespaces/default/pods"

    @Test func deleteCollectionHonoursSelectors() async {
        for i in 0..<4 { _ = await api.post(cms, configMap("c\(i)", labels: ["odd": String(i % 2)])) }
        let r = await api.delete("\(cms)?labelSelector=odd%3D1")
        #expect(r.status == 200 && r.json["kind"] == "ConfigMapList" && r.json["items"].array?.count == 2)
        let left = (await api.get(cms).json["items"].array ?? []).compactMap { $0["metadata"]["name"].string }
        #expect(left == ["c0", "c2"])
        #expect(await api.delete("/api/v1/namespaces").status == 405)
    }

    @Test func dryRunDeleteKeepsTheObject() async {
        _ = await api.post(cms, configMap("a"))
        #expect(await api.delete("\(cms)/a?dryRun=All").status == 200)
        #expect(await api.get("\(cms)/a").status == 200)
    }

    @Test func listOptionsAreChecked() async {
        #expect(await api.get("\(cms)?resourceVersionMatch=Exact").status == 422)
        #expect(await api.get("\(cms)?labelSelector=a%20in%20b").status == 400)
        #expect(await api.get("\(cms)?includeObject=All", accept: tableAccept).status == 400)
        #expect(await api.call("DELETE", "\(cms)/x", ["propagationPolicy": "Sometimes"]).status == 422)
    }

    @Test func podLogsComeFromTheLogSource() async {
        api.server.setLogSource(FixedLogs())
        _ = await api.post(pods, ["metadata": ["name": "p"], "spec": ["containers": [["name": "app", "image": "x"]]]])
        let r = await api.get("\(pods)/p/log?tailLines=5")
        #expect(r.status == 200)
        let text = await nextEvents(chunks(r), count: 1).first.map { String(decoding: $0, as: UTF8.self) }
        #expect(text == "default/p/app tail=5 follow=false\n")
        #expect(await api.get("\(pods)/p/log?container=nope").status == 400)
        _ = await api.post(pods, ["metadata": ["name": "two"], "spec": ["containers": [["name": "a", "image": "x"], ["name": "b", "image": "x"]]]])
        let two = await api.get("\(pods)/two/log")
        #expect(two.status == 400 && (two.json["message"].string ?? "").contains("a container name must be specified"))
    }

    func chunks(_ r: APIClient.Reply) -> AsyncStream<[UInt8]> {
        if case .stream(let s) = r.raw.body { return s }
        return AsyncStream { $0.finish() }
    }
}
