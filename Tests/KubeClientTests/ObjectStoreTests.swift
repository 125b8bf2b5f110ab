import DozeJSON
import Testing
@testable import KubeClient

@Suite struct ObjectStoreTests {
    static func cm(_ name: String, _ rv: String, ns: String = "default") -> ConfigMap {
        var o = ConfigMap(json: configMapJSON(name, rv: rv))
        o.metadata.namespace = ns
        return o
    }

    @Test func relistSwapsTheWholeListAtInitDone() {
        var s = StoreState<ConfigMap>()
        #expect(!s.isReady)
        s.apply(.initStarted)
        s.apply(.initApply(Self.cm("a", "1")))
        s.apply(.initApply(Self.cm("b", "2")))
        #expect(s.objects.isEmpty)  // half a list is never visible
        s.apply(.initDone)
        #expect(s.isReady && s.objects.count == 2)
        s.apply(.apply(Self.cm("c", "3", ns: "other")))
        s.apply(.delete(Self.cm("a", "4")))
        #expect(Set(s.objects.keys.map(\.description)) == ["default/b", "other/c"])
        // A relist after 410: "b" was deleted meanwhile and must disappear.
        s.apply(.initStarted)
        s.apply(.initApply(Self.cm("c", "5", ns: "other")))
        #expect(s.objects.count == 2)  // the old view stays until the new list is complete
        s.apply(.initStarted)  // a list that failed half way starts over
        s.apply(.initApply(Self.cm("d", "6")))
        s.apply(.initDone)
        #expect(s.objects.keys.map(\.description) == ["default/d"])
    }

    @Test func reflectFillsTheStoreBeforeTheConsumerSeesAnEvent() async throws {
        let server = try ScriptedServer { req, conn in
            if req.query["watch"] == nil {
                conn.respond(200, json: listJSON([configMapJSON("a", rv: "1")], rv: "1"))
                return
            }
            conn.startChunked()
            conn.writeLine(watchLine("ADDED", configMapJSON("b", rv: "2")))
            WatcherTests.holdUntilClientLeaves(conn)
        }
        defer { server.stop() }
        let store = ObjectStore<ConfigMap>()
        let watcher = makeClient(server).api(ConfigMap.self).watcher()
        let seen = try await withTimeout(20) {
            var names: [[String]] = []
            for try await event in watcher.reflect(into: store) {
                names.append(store.list().compactMap(\.name))
                if case .apply = event { break }
            }
            return names
        }
        // initStarted, initApply (kept aside), initDone (swapped in), apply
        #expect(seen == [[], [], ["a"], ["a", "b"]])
        #expect(store.isReady)
        #expect(store.get(namespace: "default", name: "b")?.resourceVersion == "2")
    }
}
