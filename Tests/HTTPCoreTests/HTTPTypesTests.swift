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

@Test func headersKeepTheirWireFormAndOrder() {
    var h: HTTPHeaders = ["Host": "a", "X-Empty": "", "X-Colon": "b: c"]
    h.add("X-Spaced", " d ")
    #expect(h.count == 4)
    #expect(h.fields.map(\.name) == ["Host", "X-Empty", "X-Colon", "X-Spaced"])
    #expect(h.fields.map(\.value) == ["a", "", "b: c", " d "])
    #expect(h.withWireBytes { String(decoding: $0, as: UTF8.self) } == "Host: a\r\nX-Empty: \r\nX-Colon: b: c\r\nX-Spaced:  d \r\n")
    h.remove("x-empty")
    #expect(h.count == 3 && h["X-Empty"] == nil && h["x-colon"] == "b: c")
    var names: [String] = []
    h.forEachField { f in if !f.nameIs("host") { names.append(f.nameString) } }
    #expect(names == ["X-Colon", "X-Spaced"])
    #expect(h.contains("HOST") && !h.contains("Hos"))
    var expect: HTTPHeaders = ["Expect": "100-continue", "X-A": "1", "EXPECT": "x"]
    let before = expect
    expect.remove(lowercased: "x-b")
    #expect(expect == before)
    expect.remove(lowercased: "expect")
    #expect(expect.fields.map(\.name) == ["X-A"])
}

@Test func headerValuesCannotEndTheirField() {
    // A value with CR or LF would end the field on the wire: whoever supplied it could add fields.
    var h = HTTPHeaders()
    h.add("X-A", "1\r\nSet-Cookie: evil")
    h.add("X-B\n", "\0")
    #expect(h.count == 2)
    #expect(h.fields.map(\.value) == ["1  Set-Cookie: evil", " "])
    #expect(h["Set-Cookie"] == nil)
    #expect(h.withWireBytes { b in b.filter { $0 == 10 }.count } == 2)
}

@Test func tokenBytesAreRFC9110Tchar() {
    let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    for b in 0...255 { #expect(isToken(UInt8(b)) == tchar.contains(UInt8(b)), "byte \(b)") }
}
