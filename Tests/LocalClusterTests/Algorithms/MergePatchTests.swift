import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct MergePatchTests {
    /// RFC 7386 Appendix A, every example: (original, patch, result).
    static let rfcExamples: [(String, String, String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test(arguments: rfcExamples)
    func rfc7386AppendixA(original: String, patch: String, expected: String) {
        #expect(MergePatch.apply(j(patch), to: j(original)) == j(expected))
    }

    @Test func labelsOnAKubernetesObject() {
        let live = j(#"{"metadata":{"name":"web","labels":{"old":"1","keep":"2"}},"spec":{"replicas":1}}"#)
        let patch = j(#"{"metadata":{"labels":{"old":null,"new":"x"}},"spec":{"replicas":3}}"#)
        #expect(MergePatch.apply(patch, to: live)
            == j(#"{"metadata":{"name":"web","labels":{"keep":"2","new":"x"}},"spec":{"replicas":3}}"#))
    }
}
