import Glibc
import Synchronization
import Testing
@testable import HTTPCore

/// Counts requests per upstream connection and drops every second request on a connection
/// without answering: what a keep-alive connection the upstream closed while idle looks like.
final class FlakyUpstream: Sendable {
    let server: HTTPConnectionServer

    init() throws {
        let perConnection = Outcomes()
        server = try HTTPConnectionServer(loops: 1) { exchange in
            perConnection.append(exchange.remoteAddress)
            if perConnection.all.filter({ $0 == exchange.remoteAddress }).count >= 2 {
                exchange.abort()
            } else {
                exchange.respond(status: 200, body: Array("fresh".utf8))
            }
        }
        server.start()
    }

    var address: UpstreamAddress { UpstreamAddress(host: "127.0.0.1", port: server.port) }
}

@Suite(.serialized) struct ForwardingEdgeTests {
    @Test func retriesAStalePooledConnectionOnAFreshOne() async throws {
        let upstream = try FlakyUpstream()
        let outcomes = Outcomes()
        try await withProxy(to: upstream.address, outcomes: outcomes) { port in
            let c = try TestClient(port: port)
            for _ in 0..<3 {
                c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
                let r = try await c.readResponse()
                #expect(r.head.status == 200)
                #expect(r.text == "fresh")
            }
        }
        #expect(outcomes.all == ["responded 200", "responded 200", "responded 200"])
        await upstream.server.shutdown()
    }

    @Test func aClientThatLeavesMidResponseReleasesTheUpstream() async throws {
        let upstream = try PythonUpstream()
        let outcomes = Outcomes()
        try await withProxy(to: upstream.address, outcomes: outcomes) { port in
            let c = try TestClient(port: port)
            c.send("GET /sse HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = try await c.readRaw(until: "data: 1")
            shutdown(c.fd, Int32(SHUT_RDWR))
            // Release the upstream so its handler thread ends; then check what the proxy reported.
            let r = try TestClient(port: port)
            r.send("GET /release HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await r.readResponse().text == "released")
        }
        #expect(outcomes.all.contains("failed sent=true started=true"))
    }

    @Test func resolvesUpstreamHostNamesOffTheLoop() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: UpstreamAddress(host: "localhost", port: upstream.port)) { port in
            let c = try TestClient(port: port)
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await c.readResponse().text == "hello from upstream")
        }
        let outcomes = Outcomes()
        try await withProxy(to: UpstreamAddress(host: "no-such-host.invalid", port: 80), outcomes: outcomes) { port in
            let c = try TestClient(port: port)
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.readResponse()
            #expect(r.head.status == 502)
            #expect(r.text.contains("resolve"))
        }
        #expect(outcomes.all == ["failed sent=false started=false"])
    }

    @Test func pipelinedRequestsAreForwardedInOrder() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let c = try TestClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\none"
                + "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthree\r\n0\r\n\r\n")
            #expect(try await c.readResponse(method: "POST").text == "one")
            #expect(try await c.readResponse().text == "hello from upstream")
            #expect(try await c.readResponse(method: "POST").text == "three")
        }
    }

    @Test func bodiesStreamInConstantMemory() async throws {
        let upstream = try PythonUpstream()
        try await withProxy(to: upstream.address) { port in
            let size = 128 << 20
            let before = residentBytes()
            let down = try await offPool { try runProcess("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{size_download}",
                                                                            "http://127.0.0.1:\(port)/big?n=\(size)"]) }
            let up = try await offPool { try runProcess("/bin/sh", ["-c",
                "head -c \(size) /dev/zero | curl -s -T - -X POST http://127.0.0.1:\(port)/count"]) }
            let growth = residentBytes() - before
            #expect(down == String(size))
            #expect(up == String(size))
            #expect(growth < 48 << 20, "resident memory grew by \(growth >> 20) MiB while moving \(size >> 20) MiB each way")
        }
    }
}

/// VmRSS of this process in bytes.
func residentBytes() -> Int {
    let fd = open("/proc/self/status", O_RDONLY)
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 8192)
    let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    let text = String(decoding: buf[0..<max(n, 0)], as: UTF8.self)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb * 1024
}
