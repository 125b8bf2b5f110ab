import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct StoreDeleteTests {
    let store = ObjectStore()

    @Test func plainDeleteRemovesAtOnce() throws {
        try store.create(.configMaps, configMap("a"))
        let r = try store.delete(.configMaps, namespace: "default", name: "a")
        guard case .deleted = r else { Issue.record("not deleted: \(r)"); return }
        #expect(throws: APIError.self) { try store.get(.configMaps, namespace: "default", name: "a") }
    }

    @Test func finalizersOnlyMark() throws {
        var cm = configMap("a")
        cm["metadata"]["finalizers"] = ["example.com/keep"]
        try store.create(.configMaps, cm)
        let r = try store.delete(.configMaps, namespace: "default", name: "a")
        guard case .pending(let o) = r else { Issue.record("not pending"); return }
        #expect(!o["metadata"]["deletionTimestamp"].isNull)
        var live = try store.get(.configMaps, namespace: "default", name: "a")
        live["metadata"]["finalizers"] = ["example.com/keep", "example.com/new"]
        #expect(throws: APIError.self) { try store.update(.configMaps, live) }
        live["metadata"]["finalizers"] = nil
        try store.update(.configMaps, live)
        #expect(throws: APIError.self) { try store.get(.configMaps, namespace: "default", name: "a") }
    }

    @Test func unqualifiedFinalizerIsInvalid() {
        var cm = configMap("a")
        cm["metadata"]["finalizers"] = ["keep"]
        #expect(throws: APIError.self) { try store.create(.configMaps, cm) }
    }

    @Test func foregroundAndOrphanAddFinalizers() throws {
        try store.create(.deployments, deployment("f"))
        try store.create(.deployments, deployment("o"))
        let f = try store.delete(.deployments, namespace: "default", name: "f",
                                 options: DeleteOptions(propagationPolicy: .foreground))
        let o = try store.delete(.deployments, namespace: "default", name: "o",
                                 options: DeleteOptions(propagationPolicy: .orphan))
        #expect(f.object["metadata"]["finalizers"] == ["foregroundDeletion"])
        #expect(o.object["metadata"]["finalizers"] == ["orphan"])
        #expect(f.object["metadata"]["generation"] == 2)
    }

    @Test func preconditionsAreChecked() throws {
        try store.create(.configMaps, configMap("a"))
        do {
            try store.delete(.configMaps, namespace: "default", name: "a", options: DeleteOptions(preconditionUID: "x"))
            Issue.record("no error")
        } catch { #expect(error.code == 409) }
    }

    @Test func podOnNodeWaitsForGracePeriod() throws {
        try store.create(.pods, ["metadata": ["name": "p", "namespace": "default"],
                                 "spec": ["nodeName": "local", "containers": [["name": "c", "image": "x"]]]])
        let r = try store.delete(.pods, namespace: "default", name: "p")
        guard case .pending(let o) = r else { Issue.record("not pending"); return }
        #expect(o["metadata"]["deletionGracePeriodSeconds"] == 30)
        let r2 = try store.delete(.pods, namespace: "default", name: "p", options: DeleteOptions(gracePeriodSeconds: 0))
        guard case .deleted = r2 else { Issue.record("not deleted"); return }
    }

    @Test func unboundPodGoesAtOnce() throws {
        try store.create(.pods, ["metadata": ["name": "p", "namespace": "default"],
                                 "spec": ["containers": [["name": "c", "image": "x"]]]])
        guard case .deleted = try store.delete(.pods, namespace: "default", name: "p") else {
            Issue.record("not deleted"); return
        }
    }

    @Test func namespaceGoesTerminatingAndRefusesNewContent() throws {
        try store.create(.namespaces, ["metadata": ["name": "tmp"]])
        let r = try store.delete(.namespaces, name: "tmp")
        #expect(r.object["status"]["phase"] == "Terminating")
        do { try store.create(.configMaps, configMap("a", namespace: "tmp")); Issue.record("no error") } catch {
            #expect(error.code == 403 && error.message.contains("because it is being terminated"))
        }
        var fin = try store.get(.namespaces, name: "tmp")
        fin["spec"]["finalizers"] = []
        _ = try store.write(.namespaces, fin, target: .finalize)
        #expect(throws: APIError.self) { try store.get(.namespaces, name: "tmp") }
    }

    @Test func deletedEventCarriesDeleteVersion() async throws {
        try store.create(.configMaps, configMap("a"))
        let stream = try store.watch(.configMaps, from: store.resourceVersion)
        try store.delete(.configMaps, namespace: "default", name: "a")
        let ev = await nextEvents(stream, count: 1)
        #expect(ev.first?.type == .deleted && ev.first?.resourceVersion == store.resourceVersion)
    }
}
