import Testing
@testable import HTTPCore

func parseResponse(_ text: String, method: String = "GET") -> [CollectedEvent<HTTPResponseHead>] {
    var p = ResponseParser()
    p.expect(method: method)
    let bytes = Array(text.utf8)
    let whole = ParserHarness.collect(p, bytes)
    #expect(whole == ParserHarness.collectByteByByte(p, bytes), "split parse differs for \(text.debugDescription)")
    return whole
}

func heads(_ events: [CollectedEvent<HTTPResponseHead>]) -> [HTTPResponseHead] {
    events.compactMap { if case .head(let h) = $0 { return h } else { return nil } }
}

@Suite struct ResponseParserTests {
    @Test func parsesContentLengthResponses() {
        let events = parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX: y\r\n\r\nabc")
        #expect(heads(events).first?.status == 200)
        #expect(heads(events).first?.reason == "OK")
        #expect(heads(events).first?.framing == .length(3))
        #expect(events.dropFirst() == [.body(Array("abc".utf8)), .end(HTTPHeaders())])
    }

    @Test func parsesChunkedResponses() {
        let events = parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n")
        #expect(events.dropFirst() == [.body(Array("abc".utf8)), .end(HTTPHeaders())])
    }

    @Test func readsUntilCloseWhenNoLengthIsGiven() {
        var p = ResponseParser()
        var h = ParserHarness(p)
        h.feed(Array("HTTP/1.1 200 OK\r\n\r\nsome bytes".utf8)[...])
        p = h.parser
        #expect(heads(h.events).first?.framing == .untilClose)
        #expect(heads(h.events).first?.keepAlive == false)
        #expect(h.events.last == .body(Array("some bytes".utf8)))
        #expect(p.finish() == .end(HTTPHeaders()))
    }

    @Test func reportsTruncatedBodies() {
        var h = ParserHarness(ResponseParser())
        h.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)[...])
        var p = h.parser
        #expect(p.finish() == .error(HTTPParseError(.truncated)))
    }

    @Test func noBodyForHeadRequests204And304() {
        let head = parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method: "HEAD")
        #expect(head.count == 2 && head.last == .end(HTTPHeaders()))
        let noContent = parseResponse("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
        #expect(heads(noContent).map(\.status) == [204, 200])
        let notModified = parseResponse("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")
        #expect(notModified.count == 2)
    }

    @Test func informationalHeadsPrecedeTheFinalOne() {
        let events = parseResponse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        #expect(heads(events).map(\.status) == [100, 103, 201])
        #expect(events.last == .end(HTTPHeaders()))
    }

    @Test func switchingProtocolsLeavesTheRestUnparsed() {
        var h = ParserHarness(ResponseParser())
        h.feed(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{5}hello".utf8)[...])
        #expect(heads(h.events).map(\.status) == [101])
        #expect(h.events.last == .end(HTTPHeaders()))
        #expect(h.parser.isUpgraded)
    }

    @Test func connectSuccessBecomesATunnel() {
        var p = ResponseParser()
        p.expect(method: "CONNECT")
        var h = ParserHarness(p)
        h.feed(Array("HTTP/1.1 200 Connection established\r\n\r\nraw".utf8)[...])
        #expect(h.parser.isUpgraded)
        #expect(h.events.count == 2)
    }

    @Test func rejectsMalformedResponses() {
        for text in ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                     "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "HTTP/1.1 200 OK\nX: a\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            let events = parseResponse(text)
            #expect(events.contains { if case .error = $0 { return true } else { return false } }, "\(text.debugDescription)")
        }
    }

    @Test func keepAliveFollowsVersionAndConnection() {
        #expect(heads(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).first?.keepAlive == true)
        #expect(heads(parseResponse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")).first?.keepAlive == false)
        #expect(heads(parseResponse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).first?.keepAlive == false)
    }
}
