import Testing
@testable import Proxy

@Suite struct StaticRoutesFileTests {
    func parse(_ text: String) throws(StaticRoutesError) -> [Route] { try StaticRoutesFile.parse(Array(text.utf8)) }

    @Test func parsesTheDocumentedShape() throws {
        let routes = try parse("""
            [{"host": "A.Example.com", "path": "/x/", "stripPath": true, "upstreams": ["127.0.0.1:8080", "http://10.1.2.3:80"]},
             {"upstreams": ["http://backend.local"]},
             {"host": "", "path": "/api", "upstreams": ["[::1]:9000", "http://[fd00::2]:81/"]}]
            """)
        #expect(routes.count == 3)
        #expect(routes[0].host == "a.example.com")
        #expect(routes[0].path == "/x")
        #expect(routes[0].stripPath)
        #expect(routes[0].upstreams == [Upstream(host: "127.0.0.1", port: 8080), Upstream(host: "10.1.2.3", port: 80)])
        #expect(routes[1].host == nil && routes[1].path == "/" && !routes[1].stripPath)
        #expect(routes[1].upstreams == [Upstream(host: "backend.local", port: 80)])
        #expect(routes[2].host == nil)
        #expect(routes[2].upstreams.map(\.authority) == ["[::1]:9000", "[fd00::2]:81"])
    }

    @Test(arguments: [
        ("{}", nil, nil, "expected a JSON array"),
        ("[1]", 0, nil, "expected an object"),
        (#"[{"upstreams": ["a:1"]}, {"path": "/x"}]"#, 1, "upstreams", "missing"),
        (#"[{"upstreams": []}]"#, 0, "upstreams", "at least one"),
        (#"[{"upstreams": ["a:1", 5]}]"#, 0, "upstreams[1]", "expected a string"),
        (#"[{"upstreams": ["https://a.example.com"]}]"#, 0, "upstreams[0]", "https upstreams are not supported"),
        (#"[{"upstreams": ["a.example.com"]}]"#, 0, "upstreams[0]", "missing port"),
        (#"[{"upstreams": ["a:99999"]}]"#, 0, "upstreams[0]", "invalid port"),
        (#"[{"upstreams": ["http://a:1/app"]}]"#, 0, "upstreams[0]", "may not carry a path"),
        (#"[{"upstreams": ["a:1"], "path": "x"}]"#, 0, "path", "must start with /"),
        (#"[{"upstreams": ["a:1"], "host": "a b"}]"#, 0, "host", "invalid host"),
        (#"[{"upstreams": ["a:1"], "host": "a.*.com"}]"#, 0, "host", "invalid host"),
        (#"[{"upstreams": ["a:1"], "stripPath": "yes"}]"#, 0, "stripPath", "expected true or false"),
        (#"[{"upstreams": ["a:1"], "hots": "x"}]"#, 0, "hots", "unknown field"),
        (#"[{"upstreams": ["a:1"], "path": "/x"}, {"upstreams": ["b:1"], "path": "/x/"}]"#, 1, "path", "duplicate of entry 0"),
    ] as [(String, Int?, String?, String)])
    func reportsEntryAndField(text: String, entry: Int?, field: String?, message: String) {
        do {
            _ = try parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.entry == entry)
            #expect(error.field == field)
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func errorTextNamesEntryAndField() {
        let e = StaticRoutesError(entry: 3, field: "upstreams[0]", message: "boom")
        #expect(e.description == #"routes entry 3 field "upstreams[0]": boom"#)
    }

    @Test func invalidJSONIsReported() {
        #expect(throws: StaticRoutesError.self) { try parse("[{") }
    }
}
