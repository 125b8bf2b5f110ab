import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct ManagedFieldsTests {
    static let t = "2026-01-01T00:00:00Z"

    @Test func createOwnsEveryFieldSet() {
        let obj = j(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"d","uid":"u","labels":{"a":"b"}},"data":{"k":"v"}}"#)
        let mf = ManagedFields.recordUpdate(old: nil, new: obj, manager: "kubectl-create", operation: "Update", subresource: nil, kind: "ConfigMap", time: Self.t)
        #expect(mf == j("""
        [{"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}}}}]
        """))
    }

    @Test func anUpdateTakesTheFieldsItChanges() {
        var live = j(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"replicas":1,"paused":false}}"#)
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: nil, new: live, manager: "create", subresource: nil, kind: "Deployment", time: Self.t)
        var scaled = live
        scaled[path: "spec", "replicas"] = 3
        let mf = ManagedFields.recordUpdate(old: live, new: scaled, manager: "kubectl-scale", subresource: "scale", kind: "Deployment", time: Self.t)
        let entries = mf.array ?? []
        #expect(entries.count == 2)
        #expect(entries[0]["fieldsV1"] == j(#"{"f:spec":{"f:paused":{}}}"#))
        #expect(entries[1]["manager"] == "kubectl-scale")
        #expect(entries[1]["subresource"] == "scale")
        #expect(entries[1]["fieldsV1"] == j(#"{"f:spec":{"f:replicas":{}}}"#))
    }

    @Test func removedFieldsLeaveEverySetAndEmptyEntriesGo() {
        var live = j(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}"#)
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: nil, new: live, manager: "a", subresource: nil, kind: "ConfigMap", time: Self.t)
        var emptied = live
        emptied["data"] = .null
        #expect(ManagedFields.recordUpdate(old: live, new: emptied, manager: "b", subresource: nil, kind: "ConfigMap", time: Self.t) == .null)
    }

    @Test func aNoOpWriteAddsNoEntry() {
        var live = j(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}"#)
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: nil, new: live, manager: "a", subresource: nil, kind: "ConfigMap", time: Self.t)
        let mf = ManagedFields.recordUpdate(old: live, new: live, manager: "b", subresource: nil, kind: "ConfigMap", time: Self.t)
        #expect(mf == live["metadata"]["managedFields"])
    }

    @Test func theObjectsKindPicksListKeysAndLinesUpWithApply() throws {
        let created = j(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"d"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:1"}]}}}}"#)
        var live = created
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: nil, new: created, manager: "kubectl-create", subresource: nil, time: Self.t)
        #expect(live["metadata"]["managedFields"][0]["fieldsV1"]
            == j(#"{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}}}"#))
        // An apply changing that image conflicts on the element's field, as upstream reports it.
        let applied = j(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"d"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2"}]}}}}"#)
        #expect(throws: ApplyError.conflicts([(#""kubectl-create" using apps/v1"#, #".spec.template.spec.containers[name="app"].image"#)])) {
            try ServerSideApply.apply(applied, to: live, manager: "kubectl", force: false, kind: "Deployment", time: Self.t)
        }
    }

    @Test func aSubresourceWriterIsNamedWithItsSubresource() throws {
        var live = j(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"replicas":1}}"#)
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: nil, new: live, manager: "create", subresource: nil, time: Self.t)
        var scaled = live
        scaled[path: "spec", "replicas"] = 3
        scaled[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: live, new: scaled, manager: "kubectl-scale", subresource: "scale", time: Self.t)
        let applied = j(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"replicas":2}}"#)
        do {
            _ = try ServerSideApply.apply(applied, to: scaled, manager: "kubectl", force: false, kind: "Deployment", time: Self.t)
            Issue.record("expected a conflict")
        } catch {
            #expect(error.message == #"Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas"#)
        }
    }

    @Test func entriesAreOrderedApplyFirstThenByTimeAndManager() throws {
        var live = j(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#)
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(old: nil, new: live, manager: "b-writer", subresource: nil, time: "2026-01-01T00:00:01Z")
        let applied = j(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"z":"2"}}"#)
        let after = try ServerSideApply.apply(applied, to: live, manager: "z-applier", force: false, kind: "ConfigMap", time: "2026-01-01T00:00:09Z")
        #expect(after["metadata"]["managedFields"].array?.map { $0["manager"] } == ["z-applier", "b-writer"])
        var changed = after
        changed[path: "data", "m"] = "3"
        let mf = ManagedFields.recordUpdate(old: after, new: changed, manager: "a-writer", subresource: nil, time: "2026-01-01T00:00:00Z")
        #expect(mf.array?.map { $0["manager"] } == ["z-applier", "a-writer", "b-writer"])
    }
}
