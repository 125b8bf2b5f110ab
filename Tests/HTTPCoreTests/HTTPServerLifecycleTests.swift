import Glibc
import Synchronization
import Testing
@testable import HTTPCore

/// A one-shot gate a handler can wait on, released by the test.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { c in
            let open = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if open { c.resume() }
        }
    }
    func open() {
        let w = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        w.forEach { $0.resume() }
    }
    var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }
}

@Suite struct HTTPServerLifecycleTests {
    @Test func cancellingRunFinishesInFlightRequests() async throws {
        let gate = Gate()
        let entered = Gate()
        let server = try HTTPServer(loops: 1) { _ in
            entered.open()
            await gate.wait()
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array("done".utf8))
        }
        let run = Task { try await server.run() }
        let c = try TestClient(port: server.port)
        c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        await entered.wait()
        run.cancel()
        gate.open()
        let r = try await c.readResponse()
        #expect(r.text == "done")
        c.closeNow()  // lets the server's lingering close finish at once
        try await run.value
    }

    @Test func shutdownStopsAcceptingAndClosesAfterTheInFlightResponse() async throws {
        let gate = Gate()
        let entered = Gate()
        let server = try HTTPConnectionServer(loops: 1) { exchange in
            entered.open()
            let ex = LoopBound(exchange)
            Task {
                await gate.wait()
                ex.value.loop.execute { ex.value.respond(status: 200, body: Array("done".utf8)) }
            }
        }
        server.start()
        let c = try TestClient(port: server.port)
        c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        await entered.wait()
        await server.stopAccepting()
        #expect((try? TestClient(port: server.port)) == nil, "new connections are refused")
        let shutdown = Task { await server.shutdown() }
        #expect(server.openConnections == 1)
        gate.open()
        let r = try await c.readResponse()
        #expect(r.text == "done")
        // Whether the drain began before or after the response, the connection is closed.
        #expect(await c.waitForClose())
        c.closeNow()
        await shutdown.value
        #expect(server.openConnections == 0)
    }

    @Test func shutdownEndsStreamedResponsesCleanly() async throws {
        let driven = DrivenStream()
        let config = HTTPServerConfiguration(shutdownGraceNanoseconds: 60_000_000_000)
        let server = try HTTPServer(loops: 1, configuration: config) { _ in HTTPResponse(status: 200, body: .stream(driven.stream)) }
        let run = Task { try await server.run() }
        let c = try TestClient(port: server.port)
        c.send("GET /watch HTTP/1.1\r\nHost: a\r\n\r\n")
        driven.continuation.yield(Array("event\n".utf8))
        _ = try await c.readRaw(until: "event\n\r\n")
        run.cancel()
        // The watch ends with a proper last chunk, long before the 60 s grace period.
        #expect(try await c.readRaw(until: "0\r\n\r\n").hasSuffix("0\r\n\r\n"))
        #expect(await driven.waitForTermination(seconds: 10))
        c.closeNow()
        try await run.value
    }

    @Test func servesManyConnectionsAcrossLoops() async throws {
        try await withServer(loops: 2, handler: { req in HTTPResponse(status: 200, contentType: "text/plain", body: Array(req.target.utf8)) }) { port in
            let clients = try (0..<40).map { _ in try TestClient(port: port) }
            for (i, c) in clients.enumerated() { c.send("GET /\(i) HTTP/1.1\r\nHost: a\r\n\r\n") }
            for (i, c) in clients.enumerated() { #expect(try await c.readResponse().text == "/\(i)") }
        }
    }

    @Test func garbageNeverCrashesTheServer() async throws {
        try await withServer(handler: { req in HTTPResponse(status: 200, contentType: "text/plain", body: req.body) }) { port in
            var rng = SplitMix(seed: 42)
            let pieces = ["GET / HTTP/1.1\r\n", "Host: a\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n",
                          "\r\n", "fffffffffffffffffff\r\n", "0\r\n\r\n", "\r", "\n", " ", ":", "\u{0}", "POST", "HTTP/1.0",
                          "Expect: 100-continue\r\n", "Connection: upgrade\r\nUpgrade: x\r\n", "5\r\nabcde\r\n"]
            for _ in 0..<150 {
                guard let c = try? TestClient(port: port, timeoutSeconds: 2) else { continue }
                var bytes: [UInt8] = []
                for _ in 0..<Int(rng.next() % 12) {
                    if rng.next() % 4 == 0 {
                        bytes += (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    } else {
                        bytes += Array(pieces[Int(rng.next() % UInt64(pieces.count))].utf8)
                    }
                }
                c.send(bytes)
                if rng.next() % 2 == 0 { shutdown(c.fd, Int32(SHUT_WR)) }
            }
            let c = try TestClient(port: port)
            c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok")
            #expect(try await c.readResponse().text == "ok")
        }
    }
}

/// A small deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
