import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct GarbageCollectorTests {
    let store = ObjectStore()
    var gc: GarbageCollector { GarbageCollector(store: store) }

    func owned(_ name: String, by owner: JSON, block: Bool = true) -> JSON {
        var cm = configMap(name)
        cm["metadata"]["ownerReferences"] = [[
            "apiVersion": "apps/v1", "kind": "Deployment", "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"], "controller": true, "blockOwnerDeletion": .bool(block)]]
        return cm
    }

    func exists(_ name: String) -> Bool {
        (try? store.get(.configMaps, namespace: "default", name: name)) != nil
    }

    func drain() { while gc.collect() > 0 {} }

    @Test func backgroundDeleteCollectsDependents() throws {
        let d = try store.create(.deployments, deployment("web"))
        try store.create(.configMaps, owned("dep", by: d))
        try store.delete(.deployments, namespace: "default", name: "web",
                         options: DeleteOptions(propagationPolicy: .background))
        #expect(exists("dep"))
        drain()
        #expect(!exists("dep"))
    }

    @Test func foregroundDeleteWaitsForDependents() throws {
        let d = try store.create(.deployments, deployment("web"))
        var dep = owned("dep", by: d)
        dep["metadata"]["finalizers"] = ["example.com/hold"]
        try store.create(.configMaps, dep)
        try store.delete(.deployments, namespace: "default", name: "web",
                         options: DeleteOptions(propagationPolicy: .foreground))
        drain()
        // The dependent is marked but held by its own finalizer, so the owner stays too.
        #expect(!(try store.get(.configMaps, namespace: "default", name: "dep"))["metadata"]["deletionTimestamp"].isNull)
        #expect((try? store.get(.deployments, namespace: "default", name: "web")) != nil)
        try store.modify(.configMaps, namespace: "default", name: "dep") { $0["metadata"]["finalizers"] = nil }
        drain()
        #expect(!exists("dep"))
        #expect((try? store.get(.deployments, namespace: "default", name: "web")) == nil)
    }

    @Test func orphanDeleteKeepsDependentsWithoutOwner() throws {
        let d = try store.create(.deployments, deployment("web"))
        try store.create(.configMaps, owned("dep", by: d))
        try store.delete(.deployments, namespace: "default", name: "web", options: DeleteOptions(propagationPolicy: .orphan))
        drain()
        #expect((try? store.get(.deployments, namespace: "default", name: "web")) == nil)
        let dep = try store.get(.configMaps, namespace: "default", name: "dep")
        #expect(dep["metadata"]["ownerReferences"].isNull)
    }

    @Test func danglingOwnerIsCollected() throws {
        var cm = configMap("orphan")
        cm["metadata"]["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "gone", "uid": "no-such-uid"]]
        try store.create(.configMaps, cm)
        drain()
        #expect(!exists("orphan"))
    }

    @Test func namespaceDeletionRemovesContentThenNamespace() throws {
        try store.create(.namespaces, ["metadata": ["name": "tmp"]])
        try store.create(.configMaps, configMap("a", namespace: "tmp"))
        try store.create(.deployments, deployment("d", namespace: "tmp"))
        try store.delete(.namespaces, name: "tmp")
        drain()
        #expect((try? store.get(.namespaces, name: "tmp")) == nil)
        #expect(try store.list(.configMaps, namespace: "tmp").items.isEmpty)
    }

    @Test func runLoopReactsToChanges() async throws {
        let loop = Task { [gc] in await gc.run() }
        defer { loop.cancel() }
        let d = try store.create(.deployments, deployment("web"))
        try store.create(.configMaps, owned("dep", by: d))
        let stream = try store.watch(.configMaps, fieldSelector: .name("dep"), from: store.resourceVersion)
        try store.delete(.deployments, namespace: "default", name: "web")
        let events = await nextEvents(stream, count: 1)
        #expect(events.first?.type == .deleted)
    }
}
