import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct StrategicMergePatchTests {
    static let deployment = j("""
    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","finalizers":["a","b"]},
     "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
      "template":{"spec":{
       "containers":[
        {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
         "ports":[{"containerPort":80,"protocol":"TCP"}],"volumeMounts":[{"name":"data","mountPath":"/data"}]},
        {"name":"sidecar","image":"side:1","args":["--x"]}],
       "volumes":[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"c"}}],
       "tolerations":[{"key":"a","operator":"Exists"}]}}}}
    """)

    /// (what it shows, patch, expected value at `probe`, probe path as keys).
    static let cases: [(String, String, [String], String)] = [
        ("containers merge by name; unnamed fields stay",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}"#,
         ["spec", "template", "spec", "containers"],
         #"[{"name":"app","image":"app:2","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"protocol":"TCP"}],"volumeMounts":[{"name":"data","mountPath":"/data"}]},{"name":"sidecar","image":"side:1","args":["--x"]}]"#),
        ("a new container is appended",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"new","image":"n:1"}]}}}}"#,
         ["spec", "template", "spec", "containers", "2"], #"{"name":"new","image":"n:1"}"#),
        ("env merges by name, null deletes a key inside an element",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":null,"valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},{"name":"C","value":"3"}]}]}}}}"#,
         ["spec", "template", "spec", "containers", "0", "env"],
         #"[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},{"name":"C","value":"3"}]"#),
        ("container ports merge by containerPort",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090}]}]}}}}"#,
         ["spec", "template", "spec", "containers", "0", "ports"],
         #"[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":9090}]"#),
        ("volumeMounts merge by mountPath",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"app","volumeMounts":[{"mountPath":"/data","readOnly":true},{"name":"cfg","mountPath":"/etc/cfg"}]}]}}}}"#,
         ["spec", "template", "spec", "containers", "0", "volumeMounts"],
         #"[{"name":"data","mountPath":"/data","readOnly":true},{"name":"cfg","mountPath":"/etc/cfg"}]"#),
        ("volumes merge by name",
         #"{"spec":{"template":{"spec":{"volumes":[{"name":"cfg","configMap":{"name":"c2"}}]}}}}"#,
         ["spec", "template", "spec", "volumes"],
         #"[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"c2"}}]"#),
        ("tolerations and args have no strategy: replaced whole",
         #"{"spec":{"template":{"spec":{"tolerations":[{"key":"b","operator":"Exists"}],"containers":[{"name":"sidecar","args":["--y"]}]}}}}"#,
         ["spec", "template", "spec"],
         #"{"tolerations":[{"key":"b","operator":"Exists"}],"containers":[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"protocol":"TCP"}],"volumeMounts":[{"name":"data","mountPath":"/data"}]},{"name":"sidecar","image":"side:1","args":["--y"]}],"volumes":[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"c"}}]}"#),
        ("finalizers merge as a set",
         #"{"metadata":{"finalizers":["b","c"]}}"#, ["metadata", "finalizers"], #"["a","b","c"]"#),
        ("$patch: delete removes one element by key",
         #"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}"#,
         ["spec", "template", "spec", "containers", "1"], "null"),
        ("$patch: replace as a list element replaces the list",
         #"{"spec":{"template":{"spec":{"volumes":[{"$patch":"replace"},{"name":"only","emptyDir":{}}]}}}}"#,
         ["spec", "template", "spec", "volumes"], #"[{"name":"only","emptyDir":{}}]"#),
        ("$patch: replace on a map replaces the map",
         #"{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}"#,
         ["spec", "strategy"], #"{"type":"Recreate"}"#),
        ("$patch: delete on a map empties it",
         #"{"spec":{"strategy":{"$patch":"delete"}}}"#, ["spec", "strategy"], "{}"),
        ("$patch: merge is the default",
         #"{"spec":{"strategy":{"$patch":"merge","rollingUpdate":{"maxUnavailable":0}}}}"#,
         ["spec", "strategy"], #"{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}"#),
        ("$retainKeys clears keys not listed",
         #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
         ["spec", "strategy"], #"{"type":"Recreate"}"#),
        ("$deleteFromPrimitiveList removes values",
         #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#, ["metadata", "finalizers"], #"["b"]"#),
        ("$setElementOrder orders the merged list",
         #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"app:3"}]}}}}"#,
         ["spec", "template", "spec", "containers", "0", "name"], #""sidecar""#),
        ("$setElementOrder on a primitive list",
         #"{"metadata":{"$setElementOrder/finalizers":["b","a"]}}"#, ["metadata", "finalizers"], #"["b","a"]"#),
        ("null deletes a key; new maps lose their directives",
         #"{"spec":{"replicas":null,"selector":{"$patch":"merge","matchLabels":{"app":"web"}}}}"#,
         ["spec", "selector"], #"{"matchLabels":{"app":"web"}}"#),
    ]

    @Test(arguments: cases)
    func deploymentPatches(_ what: String, patch: String, probe: [String], expected: String) throws {
        let result = try StrategicMergePatch.apply(j(patch), to: Self.deployment, kind: "Deployment")
        var value = result
        for step in probe { value = Int(step).map { value[$0] } ?? value[step] }
        #expect(value == j(expected), "\(what)")
    }

    /// What client-side `kubectl apply` sends after an image change and a removed env var.
    @Test func kubectlThreeWayPatch() throws {
        let patch = j("""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
         "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
           "containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"image":"app:2","name":"app"}],
           "$setElementOrder/volumes":[{"name":"data"},{"name":"cfg"}],
           "volumes":[{"$retainKeys":["name","secret"],"name":"cfg","secret":{"secretName":"s"}}]}}}}
        """)
        let result = try StrategicMergePatch.apply(patch, to: Self.deployment, kind: "Deployment")
        let spec = result[path: "spec", "template", "spec"]
        #expect(spec["containers"][0]["image"] == "app:2")
        #expect(spec["containers"][0]["env"] == j(#"[{"name":"A","value":"1"}]"#))
        #expect(spec["containers"][1]["name"] == "sidecar")
        #expect(spec["volumes"] == j(#"[{"name":"data","emptyDir":{}},{"name":"cfg","secret":{"secretName":"s"}}]"#))
        #expect(result[path: "metadata", "annotations"] == j(#"{"kubectl.kubernetes.io/last-applied-configuration":"{}"}"#))
    }

    /// `$setElementOrder` interleaving, upstream's way: (live names, order, patch names, result).
    static let orders: [([String], [String], [String], [String])] = [
        (["a", "b", "c"], ["c", "a", "b"], [], ["c", "a", "b"]),
        // Server-only "x" stays before "b", which followed it in the live list.
        (["a", "x", "b"], ["b", "a"], [], ["x", "b", "a"]),
        (["a", "x", "b"], ["a", "b"], [], ["a", "x", "b"]),
        // A new element goes where the order puts it.
        (["a", "b"], ["a", "n", "b"], ["n"], ["a", "n", "b"]),
    ]

    @Test(arguments: orders)
    func setElementOrderInterleaves(live: [String], order: [String], patch: [String], expected: [String]) throws {
        func list(_ names: [String]) -> String { "[" + names.map { #"{"name":"\#($0)"}"# }.joined(separator: ",") + "]" }
        let original = j(#"{"spec":{"containers":"# + list(live) + "}}")
        let p = j(#"{"spec":{"$setElementOrder/containers":"# + list(order) + #","containers":"# + list(patch) + "}}")
        #expect(try StrategicMergePatch.apply(p, to: original, kind: "Pod")["spec"]["containers"] == j(list(expected)))
    }

    @Test func serviceAndPodListKeys() throws {
        let svc = j(#"{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}]}}"#)
        let patched = try StrategicMergePatch.apply(j(#"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#), to: svc, kind: "Service")
        #expect(patched == j(#"{"spec":{"ports":[{"port":80,"targetPort":9090},{"port":443}]}}"#))

        let pod = j(#"{"metadata":{"ownerReferences":[{"uid":"u1","name":"rs"}]},"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}}"#)
        let p2 = try StrategicMergePatch.apply(j(#"{"metadata":{"ownerReferences":[{"uid":"u2","name":"other"}]},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#), to: pod, kind: "Pod")
        #expect(p2 == j(#"{"metadata":{"ownerReferences":[{"uid":"u1","name":"rs"},{"uid":"u2","name":"other"}]},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}}"#))
    }

    @Test func errorsAreClassifiedAsUpstream() {
        func failure(_ patch: String) -> PatchError? {
            do { _ = try StrategicMergePatch.apply(j(patch), to: Self.deployment, kind: "Deployment"); return nil } catch { return error }
        }
        let missingKey = failure(#"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#)
        #expect(missingKey?.code == 500)
        #expect(missingKey?.detail == "map: map[image:x] does not contain declared merge key: name")
        #expect(failure(#"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}"#)?.code == 422)
        #expect(failure(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}"#)?.code == 400)
        #expect(failure(#"[1]"#)?.code == 400)
        let mergeElement = failure(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":"merge"}]}}}}"#)
        #expect(mergeElement?.code == 500)
        #expect(mergeElement?.detail == "merging lists cannot yet be specified in the patch")
        #expect(failure(#"{"spec":{"strategy":{"$patch":"frobnicate"}}}"#)?.code == 500)
        #expect(failure(#"{"spec":{"$setElementOrder/template":"x"}}"#)?.code == 400)
        // The order must list what the patch sets, in the same relative order.
        #expect(failure(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"new","image":"n"}]}}}}"#)?.detail
            == "invalid patch format of setElementOrder list")
        #expect(failure(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"1"},{"name":"sidecar","image":"2"}]}}}}"#)?.code == 400)
    }

    @Test func customResourcesAreNotSupported() {
        #expect(StrategicMergePatch.supports(kind: "Deployment"))
        #expect(StrategicMergePatch.supports(kind: "Pod"))
        #expect(!StrategicMergePatch.supports(kind: "App"))
    }
}
