import Glibc
import Synchronization
import Testing
@testable import HTTPCore

private let echo: @Sendable (HTTPRequest) async -> HTTPResponse = { req in
    HTTPResponse(status: 200, contentType: "text/plain",
                 body: Array("\(req.method) \(req.target) \(req.body.count) ".utf8) + req.body)
}

@Suite struct HTTPServerTests {
    @Test func answersAGetAndKeepsTheConnectionAlive() async throws {
        try await withServer(handler: echo) { port in
            let c = try TestClient(port: port)
            c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            let r1 = try await c.readResponse()
            #expect(r1.head.status == 200)
            #expect(r1.text == "GET /a 0 ")
            #expect(r1.head.keepAlive)
            c.send("POST /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            let r2 = try await c.readResponse()
            #expect(r2.text == "POST /b?q=1 5 hello")
        }
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { req in
            // The first request is the slowest, so an out-of-order server would answer it last.
            if req.target == "/1" { try? await Task.sleep(for: .milliseconds(100)) }
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array(req.target.utf8))
        }
        try await withServer(handler: handler) { port in
            let c = try TestClient(port: port)
            c.send((1...5).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
            for i in 1...5 { #expect(try await c.readResponse().text == "/\(i)") }
        }
    }

    @Test func readsChunkedRequestBodies() async throws {
        try await withServer(handler: echo) { port in
            let c = try TestClient(port: port)
            c.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n")
            #expect(try await c.readResponse().text == "PUT /c 5 abcde")
        }
    }

    @Test func answersExpectContinueBeforeTheBody() async throws {
        try await withServer(handler: echo) { port in
            let c = try TestClient(port: port)
            c.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await c.readRaw(until: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
            c.send("xyz")
            #expect(try await c.readResponse(method: "POST").text == "POST /e 3 xyz")
        }
    }

    @Test func http10ClosesUnlessKeepAlive() async throws {
        try await withServer(handler: echo) { port in
            let c = try TestClient(port: port)
            c.send("GET /old HTTP/1.0\r\n\r\n")
            let r = try await c.readResponse()
            #expect(r.text == "GET /old 0 ")
            #expect(r.head.headers["connection"] == "close")
            #expect(await c.waitForClose())
        }
    }

    @Test func headRequestsGetNoBody() async throws {
        try await withServer(handler: echo) { port in
            let c = try TestClient(port: port)
            c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try await c.readResponse(method: "HEAD")
            #expect(r.head.headers["content-length"] == "10")
            #expect(r.body.isEmpty)
            #expect(try await c.readResponse().text == "GET /g 0 ")
        }
    }

    @Test func rejectsBodiesOverTheLimit() async throws {
        try await withServer(maxBodyBytes: 10, handler: echo) { port in
            let c = try TestClient(port: port)
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n01234567890")
            #expect(try await c.readResponse().head.status == 413)
            let d = try TestClient(port: port)
            d.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n")
            #expect(try await d.readResponse().head.status == 413)
        }
    }
}
