import Testing
@testable import Proxy

func testRoute(_ host: String?, _ path: String, strip: Bool = false, _ upstreams: String...) -> Route {
    try! Route(host: host, path: path, stripPath: strip,
               upstreams: (upstreams.isEmpty ? ["127.0.0.1:1"] : upstreams).map { try! Upstream(parsing: $0) })
}

@Suite struct RouteTableTests {
    let table = RouteTable(routes: [
        testRoute("a.example.com", "/"),          // 0
        testRoute("a.example.com", "/x"),         // 1
        testRoute("a.example.com", "/x/y"),       // 2
        testRoute("*.example.com", "/"),          // 3
        testRoute("*.b.example.com", "/"),        // 4
        testRoute(nil, "/api"),                   // 5
        testRoute(nil, "/"),                      // 6
        testRoute("only.example.org", "/app"),    // 7
    ])

    func find(_ host: String?, _ path: String) -> Int? { table.lookup(host: host, path: path[...]) }

    @Test func exactHostThenLongestPrefix() {
        #expect(find("a.example.com", "/") == 0)
        #expect(find("a.example.com", "/x") == 1)
        #expect(find("a.example.com", "/x/") == 1)
        #expect(find("a.example.com", "/x/z") == 1)
        #expect(find("a.example.com", "/x/y") == 2)
        #expect(find("a.example.com", "/x/y/z") == 2)
        #expect(find("a.example.com", "/xy") == 0, "prefixes match on segment boundaries only")
        #expect(find("a.example.com", "/x/yz") == 1)
    }

    @Test func hostIsCaseInsensitiveAndPortAndDotAreIgnored() {
        #expect(find("A.EXAMPLE.com:8080", "/x") == 1)
        #expect(find("a.example.com.", "/x") == 1)
        #expect(find("a.example.com.:80", "/x") == 1)
    }

    @Test func wildcardMatchesOneOrMoreLabelsMostSpecificFirst() {
        #expect(find("c.example.com", "/") == 3)
        #expect(find("deep.c.example.com", "/") == 3)
        #expect(find("c.b.example.com", "/") == 4)
        #expect(find("x.y.b.example.com", "/") == 4)
        #expect(find("b.example.com", "/") == 3, "*.b.example.com does not match b.example.com itself")
        #expect(find("example.com", "/") == 6, "*.example.com does not match the bare domain")
    }

    @Test func anyHostRoutesCatchTheRest() {
        #expect(find("other.net", "/api/v1") == 5)
        #expect(find(nil, "/api") == 5)
        #expect(find("", "/zzz") == 6)
        #expect(find("[::1]:8080", "/apix") == 6)
    }

    @Test func aHostWhosePathsMissFallsThrough() {
        #expect(find("only.example.org", "/app/1") == 7)
        #expect(find("only.example.org", "/other") == 6)
        #expect(RouteTable(routes: [testRoute("h", "/app")]).lookup(host: "h", path: "/nope") == nil)
    }

    @Test func upstreamsAreSharedAcrossRoutes() {
        let t = RouteTable(routes: [testRoute(nil, "/a", "127.0.0.1:1", "127.0.0.1:2"), testRoute(nil, "/b", "127.0.0.1:2")])
        #expect(t.upstreams.count == 2)
        #expect(t.routeUpstreams == [[0, 1], [1]])
    }

    @Test(arguments: [
        ("/x", "/x/y?q", "/y?q"), ("/x", "/x", "/"), ("/x", "/x/", "/"), ("/x", "/x?q=1", "/?q=1"),
        ("/", "/a/b", "/a/b"), ("/x/y", "/x/y/z", "/z"),
    ])
    func stripping(prefix: String, target: String, expected: String) {
        #expect(PathPrefix.strip(prefix, from: target[...]) == expected)
    }

    @Test func storeReadersSeeNewSnapshots() {
        let store = RouteTableStore()
        var reader = store.makeReader()
        #expect(!store.isLoaded)
        #expect(reader.current().routes.isEmpty)
        store.publish([testRoute(nil, "/")])
        #expect(store.isLoaded)
        let first = reader.current()
        #expect(first.routes.count == 1)
        #expect(reader.current() === first, "no new snapshot, same object")
        store.publish([testRoute(nil, "/"), testRoute(nil, "/b")])
        #expect(reader.current().routes.count == 2)
        #expect(reader.current().generation > first.generation)
    }

    /// Each loop routes with a deep copy: equal routes and lookups, same App runtimes and slots,
    /// but no storage shared with the store's table (strings over 15 bytes, arrays).
    @Test func loopCopiesAreEqualButShareNoStorage() {
        let long = "a-host-name-longer-than-fifteen-bytes.example.com"
        let info = AppRouteInfo(namespace: "team-with-a-long-name", name: "app", starting: [try! Upstream(parsing: "10.0.0.1:80")],
                                present: [try! Upstream(parsing: "10.0.0.1:80"): "pod-with-a-long-name-0"])
        let routes = [testRoute(long, "/a-path-longer-than-fifteen", "127.0.0.1:8080"),
                      try! Route(host: "b.example.com", path: "/", stripPath: false, upstreams: [], app: info)]
        let original = RouteTable(routes: routes, generation: 7, metricSlot: { $0.path == "/" ? 3 : 4 })
        let copy = original.loopCopy()
        #expect(copy !== original)
        #expect(copy.routes == original.routes && copy.upstreams == original.upstreams)
        #expect(copy.metricSlots == [4, 3] && copy.generation == 7 && copy.routeUpstreams == original.routeUpstreams)
        #expect(copy.lookup(host: long, path: "/a-path-longer-than-fifteen/x") == 0)
        #expect(copy.lookup(host: "b.example.com", path: "/") == 1)
        func storage(_ s: String) -> UnsafeRawPointer? { var s = s; return s.withUTF8 { UnsafeRawPointer($0.baseAddress) } }
        #expect(storage(copy.routes[0].host!) != storage(original.routes[0].host!))
        #expect(storage(copy.routes[0].path) != storage(original.routes[0].path))
        #expect(storage(copy.routes[1].app!.namespace) != storage(original.routes[1].app!.namespace))
        copy.routes.withUnsafeBufferPointer { a in
            original.routes.withUnsafeBufferPointer { b in #expect(a.baseAddress != b.baseAddress) }
        }
    }

    @Test func waitingForTheFirstSnapshot() async {
        let store = RouteTableStore()
        async let waited: Void = store.waitUntilLoaded()
        store.publish([testRoute(nil, "/")])
        await waited
        #expect(store.isLoaded)
        await store.waitUntilLoaded()  // returns at once when already loaded
    }
}
