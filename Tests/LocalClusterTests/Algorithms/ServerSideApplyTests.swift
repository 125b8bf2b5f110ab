import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct ServerSideApplyTests {
    static let t = "2026-01-01T00:00:00Z"

    static func deployment(_ spec: String, labels: String? = #"{"app":"web"}"#) -> JSON {
        var d = j(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":"# + spec + "}")
        if let labels { d[path: "metadata", "labels"] = j(labels) }
        return d
    }

    static func apply(_ obj: JSON, to live: JSON?, _ manager: String, force: Bool = false, kind: String = "Deployment") throws(ApplyError) -> JSON {
        try ServerSideApply.apply(obj, to: live, manager: manager, force: force, kind: kind, time: t)
    }

    static func entry(_ obj: JSON, _ manager: String) -> JSON? {
        obj["metadata"]["managedFields"].array?.first { $0["manager"].string == manager }
    }

    @Test func createRecordsTheAppliedFieldsInFieldsV1() throws {
        let applied = Self.deployment(#"{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"app:1","ports":[{"containerPort":80}]}]}}}"#)
        let created = try Self.apply(applied, to: nil, "kubectl")
        var expected = applied
        expected[path: "metadata", "managedFields"] = j("""
        [{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{
            "k:{\\"name\\":\\"app\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}}]
        """)
        #expect(created == expected)
    }

    @Test func selectorsAndOwnerReferencesAreOwnedWhole() throws {
        var applied = Self.deployment(#"{"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"name":"app","env":[{"name":"IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}]}]}}}"#, labels: nil)
        applied[path: "metadata", "ownerReferences"] = j(#"[{"apiVersion":"doze.dev/v1","kind":"App","name":"a","uid":"u1"}]"#)
        let created = try Self.apply(applied, to: nil, "a")
        #expect(Self.entry(created, "a")?["fieldsV1"] == j("""
        {"f:metadata":{"f:ownerReferences":{"k:{\\"uid\\":\\"u1\\"}":{}}},
         "f:spec":{"f:selector":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"app\\"}":{".":{},"f:name":{},
           "f:env":{"k:{\\"name\\":\\"IP\\"}":{".":{},"f:name":{},"f:valueFrom":{"f:fieldRef":{}}}}}}}}}}
        """))
        // An owner reference is one value: changing it conflicts on the element.
        var other = Self.deployment("{}", labels: nil)
        other[path: "metadata", "ownerReferences"] = j(#"[{"apiVersion":"doze.dev/v1","kind":"App","name":"renamed","uid":"u1"}]"#)
        #expect(throws: ApplyError.conflicts([(#""a""#, #".metadata.ownerReferences[uid="u1"]"#)])) {
            try Self.apply(other, to: created, "b")
        }
        // Another manager changing a label inside the selector conflicts on the selector itself.
        #expect(throws: ApplyError.conflicts([(#""a""#, ".spec.selector")])) {
            try Self.apply(Self.deployment(#"{"selector":{"matchLabels":{"app":"other"}}}"#, labels: nil), to: created, "b")
        }
    }

    @Test func twoManagersShareAnObject() throws {
        let a = try Self.apply(Self.deployment(#"{"replicas":2}"#), to: nil, "a")
        let b = try Self.apply(Self.deployment(#"{"paused":true}"#, labels: #"{"team":"x"}"#), to: a, "b")
        #expect(b["spec"] == j(#"{"replicas":2,"paused":true}"#))
        #expect(b["metadata"]["labels"] == j(#"{"app":"web","team":"x"}"#))
        #expect(Self.entry(b, "a")?["fieldsV1"] == j(#"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}"#))
        #expect(Self.entry(b, "b")?["fieldsV1"] == j(#"{"f:metadata":{"f:labels":{"f:team":{}}},"f:spec":{"f:paused":{}}}"#))
    }

    @Test func aDifferentValueForAnotherManagersFieldConflicts() throws {
        let a = try Self.apply(Self.deployment(#"{"replicas":2}"#), to: nil, "a")
        do {
            _ = try Self.apply(Self.deployment(#"{"replicas":3}"#, labels: nil), to: a, "b")
            Issue.record("expected a conflict")
        } catch {
            #expect(error.code == 409)
            #expect(error.reason == "Conflict")
            #expect(error.message == #"Apply failed with 1 conflict: conflict with "a": .spec.replicas"#)
            #expect(error.causes == [FieldCause(reason: "FieldManagerConflict", message: #"conflict with "a""#, field: ".spec.replicas")])
        }
        // The same value is no conflict: both own it.
        let shared = try Self.apply(Self.deployment(#"{"replicas":2}"#, labels: nil), to: a, "b")
        #expect(Self.entry(shared, "a")?["fieldsV1"]["f:spec"] == j(#"{"f:replicas":{}}"#))
        #expect(Self.entry(shared, "b")?["fieldsV1"]["f:spec"] == j(#"{"f:replicas":{}}"#))
    }

    @Test func conflictWithAnUpdateManagerNamesItsAPIVersion() throws {
        let created = Self.deployment(#"{"replicas":1}"#)
        var live = created
        live[path: "metadata", "managedFields"] = ManagedFields.recordUpdate(
            old: nil, new: created, manager: "kubectl-client-side-apply", operation: "Update", subresource: nil, kind: "Deployment", time: Self.t)
        #expect(throws: ApplyError.conflicts([(#""kubectl-client-side-apply" using apps/v1"#, ".spec.replicas")])) {
            try Self.apply(Self.deployment(#"{"replicas":5}"#), to: live, "kubectl")
        }
        let msg = ApplyError.conflicts([(#""kubectl-client-side-apply" using apps/v1"#, ".spec.replicas")]).message
        #expect(msg == #"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas"#)
    }

    @Test func untrackedFieldsBelongToBeforeFirstApply() throws {
        let live = Self.deployment(#"{"replicas":1}"#)
        #expect(throws: ApplyError.conflicts([(#""before-first-apply" using apps/v1"#, ".spec.replicas")])) {
            try Self.apply(Self.deployment(#"{"replicas":2}"#), to: live, "kubectl")
        }
        let forced = try Self.apply(Self.deployment(#"{"replicas":2}"#), to: live, "kubectl", force: true)
        #expect(Self.entry(forced, "before-first-apply")?["fieldsV1"] == j(#"{"f:metadata":{"f:labels":{"f:app":{}}}}"#))
    }

    @Test func severalConflictsAreListedPerManager() {
        let e = ApplyError.conflicts([(#""b""#, ".spec.y"), (#""a""#, ".spec.x"), (#""b""#, ".spec.z")])
        #expect(e.message == "Apply failed with 3 conflicts: conflicts with \"a\":\n- .spec.x\nconflicts with \"b\":\n- .spec.y\n- .spec.z")
    }

    @Test func forceMovesOwnership() throws {
        let a = try Self.apply(Self.deployment(#"{"replicas":2,"paused":false}"#), to: nil, "a")
        let b = try Self.apply(Self.deployment(#"{"replicas":3}"#, labels: nil), to: a, "b", force: true)
        #expect(b["spec"]["replicas"] == 3)
        #expect(Self.entry(b, "a")?["fieldsV1"] == j(#"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:paused":{}}}"#))
        #expect(Self.entry(b, "b")?["fieldsV1"] == j(#"{"f:spec":{"f:replicas":{}}}"#))
    }

    @Test func reapplyRemovesFieldsNoLongerApplied() throws {
        let v1 = try Self.apply(Self.deployment(#"{"replicas":2,"paused":true}"#, labels: #"{"app":"web","tier":"x"}"#), to: nil, "a")
        let v2 = try Self.apply(Self.deployment(#"{"replicas":2}"#), to: v1, "a")
        #expect(v2["spec"] == j(#"{"replicas":2}"#))
        #expect(v2["metadata"]["labels"] == j(#"{"app":"web"}"#))
        // A field someone else also owns survives.
        let shared = try Self.apply(Self.deployment(#"{"paused":true}"#, labels: nil), to: v1, "b")
        let v3 = try Self.apply(Self.deployment(#"{"replicas":2}"#), to: shared, "a")
        #expect(v3["spec"] == j(#"{"replicas":2,"paused":true}"#))
        #expect(Self.entry(v3, "a")?["fieldsV1"]["f:spec"] == j(#"{"f:replicas":{}}"#))
    }

    @Test func anEmptyMapOrListAppliedBeforeIsKeptWhenItGainsMembers() throws {
        let v1 = try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":[]}}}"#, labels: "{}"), to: nil, "a")
        let v2 = try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":[{"name":"app","image":"x"}]}}}"#, labels: #"{"k":"v"}"#), to: v1, "a")
        #expect(v2[path: "spec", "template", "spec", "containers"] == j(#"[{"name":"app","image":"x"}]"#))
        #expect(v2["metadata"]["labels"] == j(#"{"k":"v"}"#))
    }

    @Test func containersMergeByNameAndConflictPathsNameTheKey() throws {
        let a = try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":[{"name":"app","image":"app:1"}]}}}"#), to: nil, "a")
        let b = try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":[{"name":"side","image":"side:1"}]}}}"#, labels: nil), to: a, "b")
        #expect(b[path: "spec", "template", "spec", "containers"] == j(#"[{"name":"app","image":"app:1"},{"name":"side","image":"side:1"}]"#))
        #expect(throws: ApplyError.conflicts([(#""a""#, #".spec.template.spec.containers[name="app"].image"#)])) {
            try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}"#, labels: nil), to: b, "b")
        }
        // b leaves out its sidecar: the element goes.
        let c = try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":[]}}}"#, labels: nil), to: b, "b")
        #expect(c[path: "spec", "template", "spec", "containers"] == j(#"[{"name":"app","image":"app:1"}]"#))
    }

    /// Merged lists follow structured-merge-diff: applied order for what is applied, live-only
    /// elements where they were.
    static let orders: [([String], [String], [String])] = [
        (["a", "b"], ["c", "a"], ["c", "a", "b"]),
        (["a", "b", "c"], ["c", "a"], ["b", "c", "a"]),
        (["a", "x", "b"], ["b", "a"], ["x", "b", "a"]),
        ([], ["b", "a"], ["b", "a"]),
        (["a", "b"], [], ["a", "b"]),
    ]

    @Test(arguments: orders)
    func listMergeOrder(live: [String], applied: [String], expected: [String]) throws {
        func containers(_ names: [String]) -> String {
            "[" + names.map { #"{"name":"\#($0)"}"# }.joined(separator: ",") + "]"
        }
        let liveObj = Self.deployment(#"{"template":{"spec":{"containers":"# + containers(live) + "}}}")
        let result = try Self.apply(Self.deployment(#"{"template":{"spec":{"containers":"# + containers(applied) + "}}}", labels: nil), to: liveObj, "a", force: true)
        #expect(result[path: "spec", "template", "spec", "containers"] == j(containers(expected)))
    }

    @Test func customResourceListsUseTheSchemaListMapKeys() throws {
        let schema = try StructuralSchema(json: j("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "routes":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["host"],
                    "items":{"type":"object","properties":{"host":{"type":"string"},"port":{"type":"integer"}}}},
          "args":{"type":"array","items":{"type":"string"}}}}}}
        """))
        func cr(_ spec: String) -> JSON { j(#"{"apiVersion":"doze.dev/v1","kind":"App","metadata":{"name":"a"},"spec":"# + spec + "}") }
        let a = try ServerSideApply.apply(cr(#"{"routes":[{"host":"x","port":1}],"args":["a"]}"#), to: nil, manager: "a", force: false, kind: "App", schema: schema, time: Self.t)
        let b = try ServerSideApply.apply(cr(#"{"routes":[{"host":"y","port":2}]}"#), to: a, manager: "b", force: false, kind: "App", schema: schema, time: Self.t)
        #expect(b["spec"]["routes"] == j(#"[{"host":"x","port":1},{"host":"y","port":2}]"#))
        #expect(Self.entry(b, "a")?["fieldsV1"] == j(#"{"f:spec":{"f:args":{},"f:routes":{"k:{\"host\":\"x\"}":{".":{},"f:host":{},"f:port":{}}}}}"#))
        // An atomic list is replaced whole, and is a conflict when changed by another manager.
        #expect(throws: ApplyError.self) {
            try ServerSideApply.apply(cr(#"{"args":["b"]}"#), to: b, manager: "b", force: false, kind: "App", schema: schema, time: Self.t)
        }
    }

    /// (spec, message) of applied configurations kube-apiserver cannot type: plain 500s.
    static let untypable: [(String, String)] = [
        (#"{"template":{"spec":{"containers":[{"image":"x"}]}}}"#,
         #"failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn't have default value)"#),
        (#"{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"X"},{"name":"X","value":"1"}]}]}}}"#,
         #"failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="a"].env: duplicate entries for key [name="X"]"#),
    ]

    @Test(arguments: untypable)
    func untypableConfigurationsFail(spec: String, message: String) {
        do {
            _ = try Self.apply(Self.deployment(spec), to: nil, "a")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == 500)
            #expect(error.reason == "")
            #expect(error.message == message)
        }
    }

    @Test func undeclaredFieldsOfACustomResourceFail() throws {
        let schema = try StructuralSchema(json: j(#"{"type":"object","properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}}}}}"#))
        let cr = j(#"{"apiVersion":"doze.dev/v1","kind":"App","metadata":{"name":"x","namespace":"ns"},"spec":{"a":"1","foo":2}}"#)
        #expect(throws: ApplyError.typedPatch(cr, ".spec.foo: field not declared in schema")) {
            try ServerSideApply.apply(cr, to: nil, manager: "m", force: false, kind: "App", schema: schema, time: Self.t)
        }
        #expect(ApplyError.typedPatch(cr, ".spec.foo: field not declared in schema").message
            == "failed to create typed patch object (ns/x; doze.dev/v1, Kind=App): .spec.foo: field not declared in schema")
    }

    @Test func fieldsV1RoundTrips() {
        let v1 = j(#"{"f:metadata":{"f:finalizers":{"v:\"a\"":{}}},"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}}}}"#)
        #expect(FieldSet(fieldsV1: v1).fieldsV1 == v1)
        #expect(FieldSet(fieldsV1: v1).paths.map(FieldSet.pathString).sorted()
            == [#".metadata.finalizers[="a"]"#, #".spec.ports[port=80,protocol="TCP"]"#, #".spec.ports[port=80,protocol="TCP"].port"#])
    }
}
