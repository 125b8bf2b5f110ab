import Glibc
import Synchronization
import Testing
@testable import HTTPCore

/// A stream whose producer the test drives, recording when iteration ended.
final class DrivenStream: Sendable {
    let stream: AsyncStream<[UInt8]>
    let continuation: AsyncStream<[UInt8]>.Continuation
    private let terminated = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    init() {
        (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        continuation.onTermination = { _ in self.fire() }
    }

    private func fire() {
        let w = terminated.withLock { s -> CheckedContinuation<Void, Never>? in
            s.done = true
            defer { s.waiter = nil }
            return s.waiter
        }
        w?.resume()
    }

    /// Waits for onTermination, up to `seconds`; true if it fired.
    func waitForTermination(seconds: Int) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { c in
                    let done = self.terminated.withLock { s -> Bool in
                        if s.done { return true }
                        s.waiter = c
                        return false
                    }
                    if done { c.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            // Unblock the waiter child if the timeout won.
            let w = self.terminated.withLock { s -> CheckedContinuation<Void, Never>? in defer { s.waiter = nil }; return s.waiter }
            w?.resume()
            return first
        }
    }
}

@Suite struct HTTPServerStreamingTests {
    @Test func streamsChunksAsTheyAreProduced() async throws {
        let driven = DrivenStream()
        try await withServer(handler: { _ in HTTPResponse(status: 200, body: .stream(driven.stream)) }) { port in
            let c = try TestClient(port: port)
            c.send("GET /watch HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await c.readRaw(until: "\r\n\r\n")
            #expect(head.contains("Transfer-Encoding: chunked"))
            // Each line must arrive before the next is produced: a prompt flush, not buffering.
            driven.continuation.yield(Array("{\"a\":1}\n".utf8))
            #expect(try await c.readRaw(until: "\r\n{\"a\":1}\n\r\n") == "8\r\n{\"a\":1}\n\r\n")
            driven.continuation.yield(Array("{\"b\":2}\n".utf8))
            #expect(try await c.readRaw(until: "\r\n{\"b\":2}\n\r\n") == "8\r\n{\"b\":2}\n\r\n")
            driven.continuation.finish()
            #expect(try await c.readRaw(until: "0\r\n\r\n") == "0\r\n\r\n")
            // The connection stays usable afterwards.
            c.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await c.readResponse().head.status == 200)
        }
    }

    @Test func clientDisconnectEndsTheStream() async throws {
        let driven = DrivenStream()
        try await withServer(handler: { _ in HTTPResponse(status: 200, body: .stream(driven.stream)) }) { port in
            let c = try TestClient(port: port)
            c.send("GET /watch HTTP/1.1\r\nHost: x\r\n\r\n")
            driven.continuation.yield(Array("x".utf8))
            _ = try await c.readRaw(until: "x\r\n")
            shutdown(c.fd, Int32(SHUT_RDWR))
            #expect(await driven.waitForTermination(seconds: 10))
        }
    }

    @Test func bigStreamedBodiesArriveWhole() async throws {
        let chunk = [UInt8](repeating: 0x61, count: 100_000)
        try await withServer(handler: { _ in
            let (stream, cont) = AsyncStream<[UInt8]>.makeStream()
            Task {
                for _ in 0..<50 { cont.yield(chunk) }
                cont.finish()
            }
            return HTTPResponse(status: 200, body: .stream(stream))
        }) { port in
            let c = try TestClient(port: port)
            c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try await c.readResponse()
            #expect(r.body.count == 5_000_000)
        }
    }
}
