import Testing
@testable import HTTPCore


@Test func headersAreCaseInsensitive() {
    var h: HTTPHeaders = ["Content-Type": "a", "X-A": "1"]
    h.add("x-a", "2")
    #expect(h["content-type"] == "a")
    #expect(h.values("X-a") == ["1", "2"])
    h.set("X-A", "3")
    #expect(h.values("x-a") == ["3"])
    #expect(HTTPRequest(method: "GET", target: "/a/b?x=1").path == "/a/b")
    #expect(HTTPRequest(method: "GET", target: "/a/b?x=1").query == "x=1")
}
