import Glibc
import Synchronization
import Testing
@testable import HTTPCore

/// A reverse proxy in a few lines on the connection-level API: every request goes to one
/// upstream; a failure before the response started is answered with 502/504 naming the cause.
func makeProxy(to upstream: UpstreamAddress, options: ForwardOptions = ForwardOptions(),
               outcomes: Outcomes? = nil) throws -> HTTPConnectionServer {
    try HTTPConnectionServer(loops: 1) { exchange in
        var head = exchange.head
        head.headers.set("X-Forwarded-For", String(exchange.remoteAddress.split(separator: ":")[0]))
        exchange.forward(to: upstream, head: head, pool: .on(exchange.loop), options: options,
                         rewriteResponse: { $0.headers.add("Via", "doze-test") }) { outcome in
            switch outcome {
            case .responded(let status): outcomes?.append("responded \(status)")
            case .upgraded(let tunnel):
                outcomes?.append("upgraded")
                tunnel.onClose = { t in outcomes?.append("tunnel closed \(t.bytesAtoB) \(t.bytesBtoA)") }
            case .failed(let f):
                outcomes?.append("failed sent=\(f.requestSent) started=\(f.responseStarted)")
                if !f.responseStarted && !f.clientAborted {
                    exchange.respond(status: f.error.isTimeout ? 504 : 502, headers: ["Content-Type": "text/plain"],
                                     body: Array("upstream \(upstream): \(f.error)\n".utf8))
                }
            }
        }
    }
}

func withProxy(to upstream: UpstreamAddress, options: ForwardOptions = ForwardOptions(), outcomes: Outcomes? = nil,
               _ body: (Int) async throws -> Void) async throws {
    let proxy = try makeProxy(to: upstream, options: options, outcomes: outcomes)
    proxy.start()
    do { try await body(proxy.port) } catch {
        await proxy.shutdown()
        throw error
    }
    await proxy.shutdown()
}

@Suite(.serialized) struct ForwardingTests {
    @Test func forwardsRequestsOverPooledKeepAliveConnections() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let c = try TestClient(port: port)
            c.send("GET /hello HTTP/1.1\r\nHost: app.example\r\n\r\n")
            let r1 = try await c.readResponse()
            #expect(r1.head.status == 200)
            #expect(r1.text == "hello from upstream")
            #expect(r1.head.headers["via"] == "doze-test")
            #expect(r1.head.headers["x-seen"]?.contains("Host=app.example") == true)
            #expect(r1.head.headers["x-seen"]?.contains("X-Forwarded-For=127.0.0.1") == true)
            // A second request, even from another client, reuses the pooled upstream connection.
            let d = try TestClient(port: port)
            d.send("GET /hello HTTP/1.1\r\nHost: app.example\r\n\r\n")
            let r2 = try await d.readResponse()
            #expect(r2.head.headers["x-client-port"] == r1.head.headers["x-client-port"])
        }
    }

    @Test func forwardsRequestBodiesContentLengthAndChunked() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let c = try TestClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world")
            #expect(try await c.readResponse(method: "POST").text == "hello world")
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n")
            #expect(try await c.readResponse(method: "POST").text == "abcdefg")
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await c.readRaw(until: "\r\n\r\n").hasPrefix("HTTP/1.1 100 Continue"))
            c.send("xyz")
            #expect(try await c.readResponse(method: "POST").text == "xyz")
        }
    }

    @Test func flushesStreamedResponsesAsTheyArrive() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let c = try TestClient(port: port)
            c.send("GET /sse HTTP/1.1\r\nHost: a\r\n\r\n")
            // The upstream holds the rest back until released, so seeing event 1 proves the flush.
            let first = try await c.readRaw(until: "data: 1\n\n\r\n")
            #expect(first.contains("text/event-stream"))
            let releaser = try TestClient(port: port)
            releaser.send("GET /release HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await releaser.readResponse().text == "released")
            #expect(try await c.readRaw(until: "0\r\n\r\n").contains("data: 2"))
        }
    }

    @Test func tunnelsUpgradedConnectionsBothWays() async throws {
        let upstream = try PythonUpstream()
        let outcomes = Outcomes()
        try await withProxy(to: upstream.address, outcomes: outcomes) { port in
            let c = try TestClient(port: port)
            c.send("GET /upgrade HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n")
            let head = try await c.readRaw(until: "\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 101"))
            c.send("hello tunnel")
            #expect(try await c.readRaw(until: "TUNNEL") == "HELLO TUNNEL")
            c.send("again")
            #expect(try await c.readRaw(until: "AGAIN") == "AGAIN")
            shutdown(c.fd, Int32(SHUT_WR))
            #expect(await c.waitForClose())
        }
        let seen = outcomes.all
        #expect(seen.first == "upgraded")
    }

    @Test func answers502WhenTheUpstreamIsDownAndSaysNothingWasSent() async throws {
        // Bind a port and close it so nothing listens there.
        let fd = doze_listen_port()
        let outcomes = Outcomes()
        try await withProxy(to: UpstreamAddress(host: "127.0.0.1", port: fd), outcomes: outcomes) { port in
            let c = try TestClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.readResponse()
            #expect(r.head.status == 502)
            #expect(r.text.contains("connect"))
        }
        #expect(outcomes.all == ["failed sent=false started=false"])
    }

    @Test func answers504WhenTheUpstreamDoesNotAnswerInTime() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address, options: ForwardOptions(responseHeaderTimeoutNanoseconds: 300_000_000)) { port in
            let c = try TestClient(port: port)
            c.send("GET /hang HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.readResponse()
            #expect(r.head.status == 504)
        }
    }

    @Test func readUntilCloseBodiesReachTheClientChunked() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let c = try TestClient(port: port)
            c.send("GET /close HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.readResponse()
            #expect(r.text == "until close")
            #expect(r.head.framing == .chunked)
        }
    }

    @Test func streamsLargeBodiesBothWays() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let size = 64 << 20
            let down = try await offPool { try runProcess("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{size_download}",
                                                                            "http://127.0.0.1:\(port)/big?n=\(size)"]) }
            #expect(down == String(size))
            let up = try await offPool { try runProcess("/bin/sh", ["-c",
                "head -c \(size) /dev/zero | curl -s -T - -X POST http://127.0.0.1:\(port)/count"]) }
            #expect(up == String(size))
        }
    }
}

final class Outcomes: Sendable {
    private let list = Mutex<[String]>([])
    func append(_ s: String) { list.withLock { $0.append(s) } }
    var all: [String] { list.withLock { $0 } }
}

/// A port on which nothing listens (bound, then closed).
func doze_listen_port() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    close(fd)
    return Int(UInt16(bigEndian: addr.sin_port))
}
