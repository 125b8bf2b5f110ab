import Testing
@testable import HTTPCore

typealias RequestEvents = [CollectedEvent<HTTPRequestHead>]

/// Parses whole and byte by byte, requiring both to agree.
func parseRequest(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> RequestEvents {
    let bytes = Array(text.utf8)
    let whole = ParserHarness.collect(RequestParser(limits: limits), bytes)
    let split = ParserHarness.collectByteByByte(RequestParser(limits: limits), bytes)
    #expect(whole == split, "byte-by-byte parse differs for \(text.debugDescription)")
    return whole
}

func firstError(_ events: RequestEvents) -> HTTPParseError? {
    for case .error(let e) in events { return e }
    return nil
}

struct SmugglingCase: CustomTestStringConvertible, Sendable {
    var name: String
    var request: String
    var status = 400
    var testDescription: String { name }
}

let smugglingCases: [SmugglingCase] = [
    .init(name: "CL then TE", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    .init(name: "TE then CL", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"),
    .init(name: "differing CL headers", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
    .init(name: "differing CL list", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!"),
    .init(name: "negative CL", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
    .init(name: "plus CL", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello"),
    .init(name: "hex CL", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello"),
    .init(name: "empty CL", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n"),
    .init(name: "huge CL", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
    .init(name: "TE gzip, chunked", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
    .init(name: "TE chunked, gzip", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
    .init(name: "TE chunked twice", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    .init(name: "TE xchunked", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
    .init(name: "TE identity", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n"),
    .init(name: "chunk size overflow", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nx\r\n0\r\n\r\n"),
    .init(name: "chunk size non-hex", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n"),
    .init(name: "chunk size 0x prefix", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"),
    .init(name: "chunk size empty", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n"),
    .init(name: "chunk size negative", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n"),
    .init(name: "chunk data without CRLF", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"),
    .init(name: "chunk data with bare LF", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n"),
    .init(name: "chunk size line bare LF", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
    .init(name: "chunk extension bare LF", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a\nabc\r\n0\r\n\r\n"),
    .init(name: "chunk extension control byte", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a\u{0}\r\nabc\r\n0\r\n\r\n"),
    .init(name: "trailer obs-fold", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n"),
    .init(name: "obs-fold", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
    .init(name: "obs-fold with tab", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"),
    .init(name: "first header folded", request: "GET / HTTP/1.1\r\n Host: a\r\n\r\n"),
    .init(name: "bare CR in value", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n"),
    .init(name: "bare CR in request line", request: "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "bare LF in request line", request: "GET / HTTP/1.1\nHost: a\r\n\r\n"),
    .init(name: "bare LF ending header", request: "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"),
    .init(name: "bare LF ending head", request: "GET / HTTP/1.1\r\nHost: a\r\n\n"),
    .init(name: "NUL in value", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n"),
    .init(name: "control byte in value", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1}c\r\n\r\n"),
    .init(name: "DEL in value", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{7f}c\r\n\r\n"),
    .init(name: "space before colon", request: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\nhello"),
    .init(name: "tab before colon", request: "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"),
    .init(name: "invalid header name", request: "GET / HTTP/1.1\r\nHost: a\r\nX(Y): b\r\n\r\n"),
    .init(name: "empty header name", request: "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"),
    .init(name: "no colon", request: "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"),
    .init(name: "invalid method", request: "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "empty method", request: " / HTTP/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "double space", request: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "space in target", request: "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "control in target", request: "GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "bad version", request: "GET / HTTQ/1.1\r\nHost: a\r\n\r\n"),
    .init(name: "missing version", request: "GET /\r\nHost: a\r\n\r\n"),
    .init(name: "HTTP/2.0", request: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505),
    .init(name: "missing Host", request: "GET / HTTP/1.1\r\nX: a\r\n\r\n"),
    .init(name: "two Hosts", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    .init(name: "request line too long", request: "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", status: 414),
    .init(name: "head too large", request: "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-A: " + String(repeating: "b", count: 990) + "\r\n", count: 40) + "\r\n", status: 431),
    .init(name: "too many headers", request: "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X: b\r\n", count: 300) + "\r\n", status: 431),
]

@Suite struct RequestParserTests {
    @Test(arguments: smugglingCases)
    func rejectsSmugglingShapes(_ c: SmugglingCase) {
        let events = parseRequest(c.request)
        let error = firstError(events)
        #expect(error?.status == c.status, "\(c.name): \(events)")
        // No request may be handed on before the error (the head is rejected, not half-accepted).
        if c.status != 400 || !c.name.contains("chunk") && !c.name.contains("trailer") {
            #expect(!events.contains { if case .head = $0 { return true } else { return false } }, "\(c.name)")
        }
    }

    @Test func parsesASimpleGet() {
        let events = parseRequest("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
        guard case .head(let h)? = events.first else { Issue.record("no head"); return }
        #expect(h.method == "GET")
        #expect(h.target == "/a?b=c")
        #expect(h.version == .http11)
        #expect(h.headers["host"] == "example.com")
        #expect(h.keepAlive)
        #expect(h.framing == .none)
        #expect(events.count == 2)
        #expect(events.last == .end(HTTPHeaders()))
    }

    @Test func parsesContentLengthBodiesAndFoldsIdenticalDuplicates() {
        let events = parseRequest("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\nhello")
        #expect(events.dropFirst() == [.body(Array("hello".utf8)), .end(HTTPHeaders())])
    }

    @Test func parsesChunkedBodiesWithExtensionsAndTrailers() {
        let events = parseRequest("POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;name=value;x=\"q\"\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Sum: 1\r\nX-Two: 2\r\n\r\n")
        guard case .head(let h)? = events.first else { Issue.record("no head"); return }
        #expect(h.framing == .chunked)
        #expect(events.dropFirst() == [.body(Array("hello0123456789".utf8)), .end(["X-Sum": "1", "X-Two": "2"])])
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let events = parseRequest("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
            + "\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n")
        let targets = events.compactMap { if case .head(let h) = $0 { return h.target } else { return nil } }
        #expect(targets == ["/1", "/2", "/3"])
        #expect(events.filter { if case .end = $0 { return true } else { return false } }.count == 3)
    }

    @Test func appliesKeepAliveRules() {
        func keepAlive(_ req: String) -> Bool? {
            if case .head(let h)? = parseRequest(req).first { return h.keepAlive }
            return nil
        }
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == true)
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\n\r\n") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") == true)
    }

    @Test func detectsExpectContinueUpgradeAndConnect() {
        guard case .head(let e)? = parseRequest("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx").first,
              case .head(let u)? = parseRequest("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n").first,
              case .head(let c)? = parseRequest("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").first,
              case .head(let n)? = parseRequest("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").first
        else { Issue.record("no head"); return }
        #expect(e.expectsContinue)
        #expect(u.upgrade == "websocket" && u.mayUpgrade)
        #expect(c.isConnect && c.mayUpgrade && c.target == "example.com:443")
        #expect(n.upgrade == nil, "Upgrade without Connection: upgrade is not an offer")
    }

    @Test func ignoresEmptyLinesBeforeARequest() {
        let events = parseRequest("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(events.count == 2)
    }

    @Test func anySplitGivesTheSameEvents() {
        let text = "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n"
            + "GET /n HTTP/1.1\r\nHost: a\r\n\r\n"
        let bytes = Array(text.utf8)
        let whole = ParserHarness.collect(RequestParser(), bytes)
        for a in 0..<bytes.count {
            for b in stride(from: a, to: bytes.count, by: 7) {
                #expect(ParserHarness.collect(RequestParser(), bytes, cuts: [a, b]) == whole)
            }
        }
    }
}

/// Methods and reason phrases that come back as literals must still be exactly the bytes sent:
/// methods are case-sensitive, and a near miss is its own string.
@Test(arguments: ["GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "GETS", "PROPFIND", "POS"])
func methodsAreTheBytesSent(method: String) {
    let events = parseRequest("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n")
    guard case .head(let h)? = events.first else { Issue.record("no head: \(events)"); return }
    #expect(h.method == method)
}

@Test(arguments: ["OK", "ok", "Not Found", "Not Modified", "No Content", "Created", "Okay", "Custom reason"])
func reasonPhrasesAreTheBytesSent(reason: String) {
    let events = parseResponse("HTTP/1.1 200 \(reason)\r\nContent-Length: 0\r\n\r\n")
    guard case .head(let h)? = events.first else { Issue.record("no head: \(events)"); return }
    #expect(h.reason == reason)
}
