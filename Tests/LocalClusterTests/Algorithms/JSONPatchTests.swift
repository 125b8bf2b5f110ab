import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct JSONPatchTests {
    /// RFC 6902 Appendix A examples that succeed: (document, patch, result).
    static let rfcSuccesses: [(String, String, String)] = [
        // A.1 adding an object member
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        // A.2 adding an array element
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        // A.3 removing an object member
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        // A.4 removing an array element
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        // A.5 replacing a value
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
        // A.6 moving a value
        (#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
         #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
         #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        // A.7 moving an array element
        (#"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
         #"{"foo":["all","cows","eat","grass"]}"#),
        // A.8 testing a value: success
        (#"{"baz":"qux","foo":["a",2,"c"]}"#,
         #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
         #"{"baz":"qux","foo":["a",2,"c"]}"#),
        // A.10 adding a nested member object
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
         #"{"foo":"bar","child":{"grandchild":{}}}"#),
        // A.11 ignoring unrecognized elements
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        // A.14 ~ escape ordering
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        // A.16 adding an array value
        (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
         #"{"foo":["bar",["abc","def"]]}"#),
        // Kubernetes-shaped: an annotation key with a slash, copy, and 1 == 1.0 in test.
        (#"{"metadata":{"annotations":{}},"spec":{"replicas":1}}"#,
         #"[{"op":"test","path":"/spec/replicas","value":1.0},{"op":"add","path":"/metadata/annotations/example.com~1key","value":"v"},{"op":"copy","from":"/spec/replicas","path":"/spec/old"}]"#,
         #"{"metadata":{"annotations":{"example.com/key":"v"}},"spec":{"replicas":1,"old":1}}"#),
        // Negative indices count from the end, as kube-apiserver's json-patch library allows.
        (#"{"a":[1,2,3]}"#, #"[{"op":"remove","path":"/a/-1"},{"op":"replace","path":"/a/-2","value":9},{"op":"add","path":"/a/-1","value":5}]"#,
         #"{"a":[9,5,2]}"#),
        // The empty path replaces the whole document; null is a value.
        (#"{"a":1}"#, #"[{"op":"replace","path":"","value":{"b":null}}]"#, #"{"b":null}"#),
    ]

    @Test(arguments: rfcSuccesses)
    func rfc6902AppendixA(document: String, patch: String, expected: String) throws {
        #expect(try JSONPatch.apply(j(patch), to: j(document)) == j(expected))
    }

    /// Failures: (document, patch, HTTP code, detail).
    static let failures: [(String, String, Int, String)] = [
        // A.9 testing a value: error
        (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#, 422, "testing value /baz failed: test failed"),
        // A.12 adding to a nonexistent target
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, 422,
         #"add operation does not apply: doc is missing path: "/baz/bat": missing value"#),
        // A.15 comparing strings and numbers
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#, 422, "testing value /~01 failed: test failed"),
        (#"{"a":1}"#, #"[{"op":"remove","path":"/b"}]"#, 422, "Unable to remove nonexistent key: b: missing value"),
        (#"{"a":1}"#, #"[{"op":"remove","path":"/b/c"}]"#, 422, #"remove operation does not apply: doc is missing path: "/b/c": missing value"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"/b","value":2}]"#, 422,
         "replace operation does not apply: doc is missing key: /b: missing value"),
        (#"{"a":[1]}"#, #"[{"op":"add","path":"/a/5","value":2}]"#, 422,
         "Unable to access invalid index: 5: invalid index referenced"),
        (#"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a","path":"/a/b/c"}]"#, 422,
         "move operation does not apply: path /a/b/c is a child of from /a"),
        (#"{}"#, #"[{"op":"frobnicate","path":"/a"}]"#, 422, "Unexpected kind: frobnicate"),
        (#"{}"#, #"{"op":"add"}"#, 400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    ]

    @Test(arguments: failures)
    func failuresAreReportedAsTheServerDoes(document: String, patch: String, code: Int, detail: String) {
        #expect(throws: PatchError.self) { try JSONPatch.apply(j(patch), to: j(document)) }
        do {
            _ = try JSONPatch.apply(j(patch), to: j(document))
        } catch {
            #expect(error.code == code)
            #expect(error.detail == detail)
            if code == 422 {
                #expect(error.reason == "Invalid")
                #expect(error.message == "the server rejected our request due to an error in our request")
            }
        }
    }

    @Test func aFailingOperationLeavesNoPartialResult() throws {
        let doc = j(#"{"a":1}"#)
        let patch = j(#"[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":5}]"#)
        #expect(throws: PatchError.self) { try JSONPatch.apply(patch, to: doc) }
        #expect(doc == j(#"{"a":1}"#))
    }
}
