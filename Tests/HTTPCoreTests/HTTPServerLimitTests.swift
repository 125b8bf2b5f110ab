import Glibc
import Testing
@testable import HTTPCore

private let ok: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
    HTTPResponse(status: 200, contentType: "text/plain", body: Array("ok".utf8))
}

@Suite struct HTTPServerLimitTests {
    @Test func slowlorisIsCutOffByTheHeaderTimeout() async throws {
        let config = HTTPServerConfiguration(headerTimeoutNanoseconds: 300_000_000)
        try await withServer(configuration: config, handler: ok) { port in
            let c = try TestClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n")
            let r = try await c.readResponse()
            #expect(r.head.status == 408)
            #expect(await c.waitForClose())
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        let config = HTTPServerConfiguration(keepAliveTimeoutNanoseconds: 200_000_000)
        try await withServer(configuration: config, handler: ok) { port in
            let c = try TestClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await c.readResponse().head.status == 200)
            #expect(await c.waitForClose())
        }
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var name: String
        var request: String
        var status: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        ("long target", "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("huge head", "GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-Big: \(String(repeating: "b", count: 1000))\r\n", count: 40) + "\r\n", 431),
        ("CL and TE", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\n Folded: y\r\n\r\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("bad method", "G@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("control byte", "GET / HTTP/1.1\r\nHost: x\r\nX: a\u{1}b\r\n\r\n", 400),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("garbage", "\u{0}\u{ff}garbage\r\n\r\n", 400),
    ].map { Bad(name: $0.0, request: $0.1, status: $0.2) })
    func malformedRequestsGetAShortErrorAndAClose(bad: Bad) async throws {
        let (request, status) = (bad.request, bad.status)
        try await withServer(handler: ok) { port in
            let c = try TestClient(port: port)
            c.send(request)
            let r = try await c.readResponse()
            #expect(r.head.status == status)
            #expect(r.body.count < 100 && !r.body.isEmpty)
            #expect(r.head.headers["connection"] == "close")
            #expect(await c.waitForClose())
        }
    }

    @Test func curlGetsAnAnswer() async throws {
        try await withServer(handler: { req in
            HTTPResponse(status: 201, contentType: "text/plain", body: Array("got \(req.body.count)".utf8))
        }) { port in
            let out = try await offPool { try runProcess("/usr/bin/curl", ["-s", "-w", " %{http_code}", "--data-binary", "hello",
                                                                          "http://127.0.0.1:\(port)/x"]) }
            #expect(out == "got 5 201")
        }
    }
}

/// Runs a program to completion and returns its standard output.
func runProcess(_ path: String, _ args: [String]) throws -> String {
    var fds: [Int32] = [0, 0]
    pipe(&fds)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    close(fds[1])
    guard rc == 0 else { close(fds[0]); throw TestClientError(message: "spawn failed: \(rc)") }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out += buf[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return String(decoding: out, as: UTF8.self)
}
