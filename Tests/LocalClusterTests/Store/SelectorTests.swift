import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct SelectorTests {
    let labels = ["app": "web", "tier": "front", "env": "prod"]

    @Test(arguments: [
        ("app=web", true), ("app==web", true), ("app!=web", false), ("app=db", false),
        ("env in (prod,staging)", true), ("env notin (prod)", false), ("env notin (dev)", true),
        ("tier", true), ("!tier", false), ("!legacy", true), ("legacy", false),
        ("app=web,tier=front", true), ("app=web,tier=back", false), ("missing!=x", true), ("", true),
    ])
    func labelSelector(_ text: String, _ expected: Bool) throws {
        #expect(try LabelSelector(parsing: text).matches(labels) == expected)
    }

    @Test func malformedLabelSelectorIsBadRequest() {
        do { _ = try LabelSelector(parsing: "app in prod"); Issue.record("no error") } catch {
            #expect(error.code == 400)
        }
    }

    @Test func labelSelectorFromObject() {
        let s = LabelSelector(object: ["matchLabels": ["app": "web"],
                                       "matchExpressions": [["key": "env", "operator": "In", "values": ["prod"]]]])
        #expect(s.matches(labels) && !s.matches(["app": "web"]))
    }

    @Test func listFiltersByLabelsAndFields() throws {
        let store = ObjectStore()
        try store.create(.configMaps, configMap("a", labels: ["app": "web"]))
        try store.create(.configMaps, configMap("b", labels: ["app": "db"]))
        try store.create(.configMaps, configMap("c", namespace: "kube-system", labels: ["app": "web"]))
        func names(_ l: ObjectList) -> [String] { l.items.compactMap { $0["metadata"]["name"].string } }
        #expect(names(try store.list(.configMaps, labelSelector: "app=web")) == ["a", "c"])
        #expect(names(try store.list(.configMaps, namespace: "default", labelSelector: "app=web")) == ["a"])
        #expect(names(try store.list(.configMaps, fieldSelector: "metadata.name=b")) == ["b"])
        #expect(names(try store.list(.configMaps, fieldSelector: "metadata.namespace!=default")) == ["c"])
    }

    @Test func unsupportedFieldIsBadRequest() throws {
        let store = ObjectStore()
        do { _ = try store.list(.configMaps, fieldSelector: "spec.foo=x"); Issue.record("no error") } catch {
            #expect(error.code == 400 && error.message == "field label not supported: spec.foo")
        }
        // pods support status.phase
        _ = try store.list(.pods, fieldSelector: "status.phase=Running")
    }

    @Test func paging() throws {
        let store = ObjectStore()
        for i in 0..<5 { try store.create(.configMaps, configMap("cm\(i)")) }
        var names: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try store.list(.configMaps, ListOptions(namespace: "default", limit: 2, continueToken: token))
            names += page.items.compactMap { $0["metadata"]["name"].string }
            token = page.continueToken
            pages += 1
            if pages == 1 { #expect(page.remainingItemCount == 3) }
        } while token != nil
        #expect(names == ["cm0", "cm1", "cm2", "cm3", "cm4"] && pages == 3)
    }
}
