import Foundation
import TestSupport
import Testing

/// The proxy end to end: the `doze proxy` binary between real peers (Python upstreams,
/// a websocket echo server, curl), ports read back from their output.
@Suite(.serialized) struct ProxyIntegrationTests {
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var dozeBinary: String {
        let env = ProcessInfo.processInfo.environment["DOZE_BINARY"]
        return env ?? packageRoot + "/.build/debug/doze"
    }

    /// A running proxy in front of the given routes.
    struct Proxy {
        let process: PeerProcess
        let port: Int
        let adminPort: Int
        let dir: URL

        init(routes: String, extra: [String] = []) async throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("doze-proxy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent("routes.json")
            try routes.write(to: file, atomically: true, encoding: .utf8)
            process = try PeerProcess(ProxyIntegrationTests.dozeBinary,
                                      ["proxy", "--port", "0", "--admin-port", "0", "--loops", "2",
                                       "--static-routes", file.path] + extra)
            guard let p = await process.port(after: "proxy listening on"),
                  let a = await process.port(after: "admin listening on") else {
                throw RawClientError(message: "proxy did not start: \(process.allOutput) \(process.errorOutput)")
            }
            port = p
            adminPort = a
        }

        func stop() {
            process.stop()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    func get(_ port: Int, _ target: String, host: String = "app.test", extra: String = "") throws -> (status: Int, head: String, body: String) {
        let c = try RawClient(port: port)
        c.send("GET \(target) HTTP/1.1\r\nHost: \(host)\r\n\(extra)Connection: close\r\n\r\n")
        return try c.readResponse()
    }

    func startUpstream() async throws -> (PeerProcess, Int) {
        let up = try PeerProcess.python(Peers.upstream)
        guard let port = await up.port(after: "upstream port") else { throw RawClientError(message: "upstream: \(up.errorOutput)") }
        return (up, port)
    }

    @Test func forwardsWithRewrittenHeadersAndStrippedPath() async throws {
        let (up, upPort) = try await startUpstream()
        defer { up.stop() }
        let proxy = try await Proxy(routes: #"[{"host": "app.test", "path": "/app", "stripPath": true, "upstreams": ["127.0.0.1:\#(upPort)"]}]"#)
        defer { proxy.stop() }
        let r = try get(proxy.port, "/app/hello?q=1", extra: "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nKeep-Alive: 5\r\n")
        #expect(r.status == 200)
        let lines = Set(r.body.split(separator: "\n").map(String.init))
        #expect(r.body.hasPrefix("GET /hello?q=1\n"))
        #expect(lines.contains("Host: 127.0.0.1:\(upPort)"))
        #expect(lines.contains("X-Forwarded-For: 127.0.0.1"))
        #expect(lines.contains("X-Real-IP: 127.0.0.1"))
        #expect(lines.contains("X-Forwarded-Host: app.test"))
        #expect(lines.contains("X-Forwarded-Proto: http"))
        #expect(lines.contains("X-Forwarded-Prefix: /app"))
        #expect(!r.body.contains("6.6.6.6") && !r.body.contains("Keep-Alive"))
        #expect(!r.head.contains("X-Hop"), "hop-by-hop fields named in the upstream's Connection are dropped")

        let redirect = try get(proxy.port, "/app/redirect")
        #expect(redirect.status == 302)
        #expect(redirect.head.contains("Location: http://app.test/app/landed?x=1\r\n"))
        let relative = try get(proxy.port, "/app/relative-redirect")
        #expect(relative.head.contains("Location: /app/landed\r\n"))

        let missing = try get(proxy.port, "/elsewhere")
        #expect(missing.status == 404 && missing.body == "404 Not Found: no app at host app.test path /elsewhere\n")
    }

    @Test func keepAliveCarriesManyRequestsAndTheMetricsCountThem() async throws {
        let (up, upPort) = try await startUpstream()
        defer { up.stop() }
        let proxy = try await Proxy(routes: #"[{"upstreams": ["127.0.0.1:\#(upPort)"]}]"#)
        defer { proxy.stop() }
        let c = try RawClient(port: proxy.port)
        for i in 0..<20 {
            c.send("GET /n\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 200 && r.body.hasPrefix("GET /n\(i)\n"))
        }
        // Pipelined: three requests in one write, answered in order.
        c.send("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\nGET /p3 HTTP/1.1\r\nHost: x\r\n\r\n")
        for p in ["/p1", "/p2", "/p3"] { #expect(try c.readResponse().body.hasPrefix("GET \(p)\n")) }
        let metrics = try get(proxy.adminPort, "/metrics")
        #expect(metrics.body.contains(#"doze_proxy_requests_total{route="*/",code="2xx"} 23"#), "\(metrics.body)")
        #expect(metrics.body.contains("\ndoze_proxy_open_connections 1\n"), "the keep-alive client")
        #expect(try get(proxy.adminPort, "/readyz").status == 200)
        #expect(try get(proxy.adminPort, "/healthz").status == 200)
    }

    @Test func streamsServerSentEventsOneByOne() async throws {
        let (up, upPort) = try await startUpstream()
        defer { up.stop() }
        let proxy = try await Proxy(routes: #"[{"path": "/sse", "stripPath": true, "upstreams": ["127.0.0.1:\#(upPort)"]}]"#)
        defer { proxy.stop() }
        let c = try RawClient(port: proxy.port)
        c.send("GET /sse/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        for i in 0..<3 {
            // Event i arrives through the proxy before the upstream is allowed to send event i+1.
            _ = try c.read(until: "data: event \(i)\n\n")
            #expect(!c.text.contains("data: event \(i + 1)"))
            if i < 2 { #expect(try get(upPort, "/next").status == 200) }
        }
        _ = try c.read(until: "0\r\n\r\n")
    }

    @Test func tunnelsWebsockets() async throws {
        let ws = try PeerProcess.python(Peers.websocketEcho)
        defer { ws.stop() }
        let wsPort = try #require(await ws.port(after: "websocket port"), "\(ws.errorOutput)")
        let proxy = try await Proxy(routes: #"[{"path": "/ws", "stripPath": true, "upstreams": ["127.0.0.1:\#(wsPort)"]}]"#)
        defer { proxy.stop() }
        let client = try PeerProcess.python(Peers.websocketClient, ["ws://127.0.0.1:\(proxy.port)/ws/echo"])
        let ok = await client.line(containing: "echo")
        #expect(ok == "echo ok", "\(client.allOutput) \(client.errorOutput)")
        let metrics = try get(proxy.adminPort, "/metrics")
        #expect(metrics.body.contains("doze_proxy_tunnels_total 1"))
    }

    @Test func servesPythonHTTPServerThroughCurl() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doze-static-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "static file body\n".write(to: dir.appendingPathComponent("file.txt"), atomically: true, encoding: .utf8)
        let server = try PeerProcess("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir.path])
        defer { server.stop() }
        let line = try #require(await server.line(containing: "Serving HTTP on"), "\(server.errorOutput)")
        let serverPort = try #require(line.split(separator: " ").drop { $0 != "port" }.dropFirst().first.flatMap { Int($0) })
        let proxy = try await Proxy(routes: #"[{"host": "files.test", "upstreams": ["http://127.0.0.1:\#(serverPort)"]}]"#)
        defer { proxy.stop() }
        let curl = try PeerProcess("curl", ["-sS", "--max-time", "10", "-H", "Host: files.test", "http://127.0.0.1:\(proxy.port)/file.txt"])
        #expect(await curl.waitForExit() == 0)
        #expect(curl.allOutput == "static file body\n")
        let dir404 = try PeerProcess("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                                              "-H", "Host: files.test", "http://127.0.0.1:\(proxy.port)/missing"])
        #expect(await dir404.waitForExit() == 0)
        #expect(dir404.allOutput == "404")
    }

    @Test func failsOverOnlyBeforeSendingAndNamesTheCause() async throws {
        let (up, upPort) = try await startUpstream()
        defer { up.stop() }
        let dead = try RawClient.unusedPort()
        let proxy = try await Proxy(routes: #"""
            [{"path": "/mixed", "upstreams": ["127.0.0.1:\#(dead)", "127.0.0.1:\#(upPort)"]},
             {"path": "/dead", "upstreams": ["127.0.0.1:\#(dead)"]}]
            """#)
        defer { proxy.stop() }
        for _ in 0..<6 {
            let r = try get(proxy.port, "/mixed/x")
            #expect(r.status == 200, "a refused connection is retried on the other upstream: \(r)")
        }
        let r = try get(proxy.port, "/dead")
        #expect(r.status == 502)
        #expect(r.body == "502 Bad Gateway: upstream 127.0.0.1:\(dead) refused the connection\n")
        let metrics = try get(proxy.adminPort, "/metrics")
        #expect(metrics.body.contains(#"doze_proxy_upstream_errors_total{cause="connect_refused"}"#))
    }

    @Test func answersSmugglingShapesWith400() async throws {
        let (up, upPort) = try await startUpstream()
        defer { up.stop() }
        let proxy = try await Proxy(routes: #"[{"upstreams": ["127.0.0.1:\#(upPort)"]}]"#)
        defer { proxy.stop() }
        let shapes = [
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{01}b\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nTransfer-Encoding: identity\r\n\r\n",
        ]
        for shape in shapes {
            let c = try RawClient(port: proxy.port)
            c.send(shape)
            let text = try c.readToClose()
            #expect(text.hasPrefix("HTTP/1.1 400 "), "\(shape.debugDescription) → \(text)")
        }
    }

    @Test func drainsOnSIGTERMFinishingInFlightRequests() async throws {
        let (up, upPort) = try await startUpstream()
        defer { up.stop() }
        let proxy = try await Proxy(routes: #"[{"upstreams": ["127.0.0.1:\#(upPort)"]}]"#)
        defer { proxy.stop() }
        // A stream in flight when SIGTERM arrives...
        let c = try RawClient(port: proxy.port)
        c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try c.read(until: "data: event 0\n\n")
        proxy.process.signal(SIGTERM)
        // ...is not ready any more, but keeps flowing to its end.
        let readyz = await retryUntil { (try? self.get(proxy.adminPort, "/readyz"))?.status == 503 }
        #expect(readyz, "/readyz turns 503 while draining")
        #expect(try get(upPort, "/next").status == 200)
        #expect(try get(upPort, "/next").status == 200)
        let text = try c.read(until: "0\r\n\r\n")
        #expect(text.contains("data: event 2\n\n"))
        #expect(await proxy.process.waitForExit(within: 30) == 0)
    }

    /// Re-checks a condition a few times (the drain flag flips on another process's schedule).
    func retryUntil(_ condition: @escaping () -> Bool) async -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

extension RawClient {
    /// A port nothing listens on: bound, then closed.
    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
