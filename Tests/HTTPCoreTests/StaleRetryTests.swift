import Foundation
import Testing
@testable import HTTPCore

/// The stale-connection retry when the upstream is gone altogether (a pod killed between two
/// requests on one keep-alive connection): the fresh connect is refused, and the failure must
/// say nothing was sent, so a proxy may retry the request elsewhere (or wake the app) instead
/// of answering 502.
@Suite(.serialized) struct StaleRetryTests {
    /// Answers one request, then reads a second on the same connection, stops listening and
    /// closes the connection unanswered.
    static let dyingUpstream = """
        import socket, sys
        l = socket.socket()
        l.bind(("127.0.0.1", 0))
        l.listen(8)
        print(l.getsockname()[1], flush=True)
        c, _ = l.accept()
        def head():
            buf = b""
            while b"\\r\\n\\r\\n" not in buf:
                d = c.recv(65536)
                if not d: return buf
                buf += d
            return buf
        head()
        c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nfirst")
        head()
        l.close()
        c.close()
        sys.stdin.read()
        """

    @Test func aRefusedConnectAfterAStaleRetryReportsNothingSent() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-u", "-c", Self.dyingUpstream]
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardInput = input
        try p.run()
        defer { try? input.fileHandleForWriting.close(); p.waitUntilExit() }
        let port = try #require(Int(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)))

        let outcomes = Outcomes()
        try await withProxy(to: UpstreamAddress(host: "127.0.0.1", port: port), outcomes: outcomes) { proxyPort in
            let c = try TestClient(port: proxyPort)
            c.send("GET /one HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await c.readResponse().text == "first")
            c.send("GET /two HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await c.readResponse().head.status == 502)
        }
        #expect(outcomes.all == ["responded 200", "failed sent=false started=false"])
    }
}
