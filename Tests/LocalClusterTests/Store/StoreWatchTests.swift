import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct StoreWatchTests {
    let store = ObjectStore()

    @Test func watchFromNowSeesChangesInOrder() async throws {
        let before = store.resourceVersion
        let stream = try store.watch(.configMaps, namespace: "default", from: before)
        try store.create(.configMaps, configMap("a"))
        try store.update(.configMaps, configMap("a", data: ["k": "v"]))
        try store.delete(.configMaps, namespace: "default", name: "a")
        let events = await nextEvents(stream, count: 3)
        #expect(events.map(\.type) == [.added, .modified, .deleted])
        let rvs = events.map { Int($0.resourceVersion)! }
        #expect(rvs == rvs.sorted() && rvs[2] == Int(store.resourceVersion))
    }

    @Test func watchWithoutVersionStartsWithSyntheticAdds() async throws {
        try store.create(.configMaps, configMap("a"))
        try store.create(.configMaps, configMap("b"))
        let stream = try store.watch(.configMaps, namespace: "default")
        try store.create(.configMaps, configMap("c"))
        let events = await nextEvents(stream, count: 3)
        #expect(events.map(\.name) == ["a", "b", "c"] && events.allSatisfy { $0.type == .added })
    }

    @Test func watchFromPastReplaysHistory() async throws {
        let rv = store.resourceVersion
        try store.create(.configMaps, configMap("a"))
        try store.create(.configMaps, configMap("b"))
        let stream = try store.watch(.configMaps, from: rv)
        let events = await nextEvents(stream, count: 2)
        #expect(events.map(\.name) == ["a", "b"])
    }

    @Test func tooOldVersionIsExpired() throws {
        let small = ObjectStore(historyLimit: 3)
        let rv = small.resourceVersion
        for i in 0..<5 { try small.create(.configMaps, configMap("c\(i)")) }
        do { _ = try small.watch(.configMaps, from: rv); Issue.record("no error") } catch {
            #expect(error.code == 410 && error.reason == "Expired")
            #expect(error.message.hasPrefix("too old resource version: \(rv)"))
        }
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() async throws {
        let stream = try store.watch(.configMaps, labelSelector: try LabelSelector(parsing: "app=web"),
                                     from: store.resourceVersion)
        try store.create(.configMaps, configMap("a", labels: ["app": "db"]))
        try store.update(.configMaps, configMap("a", labels: ["app": "web"]))
        try store.update(.configMaps, configMap("a", labels: ["app": "db"]))
        let events = await nextEvents(stream, count: 2)
        #expect(events.map(\.type) == [.added, .deleted])
    }

    @Test func fieldSelectorByName() async throws {
        let stream = try store.watch(.configMaps, fieldSelector: .name("b"), from: store.resourceVersion)
        try store.create(.configMaps, configMap("a"))
        try store.create(.configMaps, configMap("b"))
        let events = await nextEvents(stream, count: 1)
        #expect(events.map(\.name) == ["b"])
    }

    @Test func bookmarkCarriesCurrentVersionAfterPendingEvents() async throws {
        let w = try store.openWatch(.configMaps, WatchOptions(resourceVersion: store.resourceVersion))
        try store.create(.configMaps, configMap("a"))
        w.bookmark()
        let events = await nextEvents(w.events, count: 2)
        #expect(events.map(\.type) == [.added, .bookmark])
        #expect(events[1].resourceVersion == store.resourceVersion)
        #expect(events[1].object["kind"] == "ConfigMap")
    }

    @Test func stoppedWatchIsRemoved() async throws {
        let w = try store.openWatch(.configMaps, WatchOptions())
        #expect(store.watchCount == 1)
        w.stop()
        let events = await nextEvents(w.events, count: 1, within: 1)
        #expect(events.isEmpty && store.watchCount == 0)
    }

    @Test func manyWatchersEachSeeEveryChangeInOrder() async throws {
        let rv = store.resourceVersion
        let streams = try (0..<4).map { _ in try store.watch(.configMaps, from: rv) }
        await withTaskGroup(of: Void.self) { g in
            for t in 0..<4 {
                g.addTask { [store] in
                    for i in 0..<25 { _ = try? store.create(.configMaps, configMap("t\(t)-\(i)")) }
                }
            }
        }
        for s in streams {
            let events = await nextEvents(s, count: 100)
            let rvs = events.map { Int($0.resourceVersion)! }
            #expect(rvs.count == 100 && rvs == rvs.sorted())
        }
    }
}
