import Glibc
import TestSupport
@testable import HTTPCore

/// A small blocking TCP client for tests: every read is bounded by a receive timeout, so a
/// server that never answers fails the test instead of hanging it.
final class TestClient {
    let fd: Int32
    private var pending: [UInt8] = []
    private var parser = ResponseParser()

    init(port: Int, timeoutSeconds: Int = 5) throws {
        do throws(LoopbackConnectError) {
            fd = try connectLoopback(port: port, receiveTimeoutSeconds: timeoutSeconds)
        } catch {
            throw TestClientError(message: "connect failed: \(error.errno)")
        }
    }

    private var closed = false
    deinit { closeNow() }

    /// Closes the socket (once; deinit will not close a reused descriptor number again).
    func closeNow() {
        guard !closed else { return }
        closed = true
        close(fd)
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) { sendAll(fd, bytes) }

    /// Reads more bytes; empty at EOF; throws on timeout.
    func readSome() throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == ECONNRESET { return [] }
            throw TestClientError(message: "read timed out or failed: \(errno)")
        }
        return Array(buf[0..<n])
    }

    /// True when the server closed the connection (EOF or reset) within the timeout.
    func waitForCloseBlocking() -> Bool {
        while true {
            guard let b = try? readSome() else { return false }
            if b.isEmpty { return true }
        }
    }

    struct Response {
        var head: HTTPResponseHead
        var body: [UInt8]
        var informational: [HTTPResponseHead] = []
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Reads one full response (after any 1xx heads) with the HTTPCore response parser.
    func readResponseBlocking(method: String = "GET") throws -> Response {
        parser.expect(method: method)
        var head: HTTPResponseHead?
        var informational: [HTTPResponseHead] = []
        var body: [UInt8] = []
        var eof = false
        while true {
            var i = 0
            var done = false
            var event: HTTPParserEvent<HTTPResponseHead> = .needMore
            repeat {
                event = pending.withUnsafeBytes { buf in
                    let e = parser.next(buf, at: &i)
                    if case .body(let r) = e { body += buf[r] }
                    return e
                }
                switch event {
                case .head(let h): if h.isInformational && h.status != 101 { informational.append(h) } else { head = h }
                case .end: done = true
                case .error(let e): throw TestClientError(message: "bad response: \(e)")
                default: break
                }
            } while !done && event != .needMore
            pending.removeFirst(i)
            if done, let head { return Response(head: head, body: body, informational: informational) }
            if eof {
                if case .end = parser.finish(), let head { return Response(head: head, body: body, informational: informational) }
                throw TestClientError(message: "EOF before a full response")
            }
            let more = try readSome()
            if more.isEmpty { eof = true }
            pending += more
        }
    }

    /// Reads until `count` bytes of raw data are pending and returns them (for streaming checks).
    func readRawBlocking(atLeast count: Int) throws -> [UInt8] {
        while pending.count < count {
            let more = try readSome()
            if more.isEmpty { break }
            pending += more
        }
        defer { pending = [] }
        return pending
    }

    /// Reads until `marker` appears in the raw bytes (consumed up to and including it).
    func readRawBlocking(until marker: String) throws -> String {
        let m = Array(marker.utf8)
        while true {
            if let r = pending.firstRange(of: m) {
                let text = String(decoding: pending[..<r.upperBound], as: UTF8.self)
                pending.removeFirst(r.upperBound)
                return text
            }
            let more = try readSome()
            if more.isEmpty { throw TestClientError(message: "EOF before \(marker)") }
            pending += more
        }
    }
}

extension TestClient: @unchecked Sendable {
    // Blocking reads run on their own thread: on a 2-core machine the cooperative pool has two
    // threads, and a test blocked in read() there would starve the server's handler tasks.
    func waitForClose() async -> Bool { (try? await offPool { self.waitForCloseBlocking() }) ?? false }
    func readResponse(method: String = "GET") async throws -> Response { try await offPool { try self.readResponseBlocking(method: method) } }
    func readRaw(atLeast count: Int) async throws -> [UInt8] { try await offPool { try self.readRawBlocking(atLeast: count) } }
    func readRaw(until marker: String) async throws -> String { try await offPool { try self.readRawBlocking(until: marker) } }
}

extension TestClient.Response: @unchecked Sendable {}

/// Runs blocking work on a fresh thread and awaits its result.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        spawnThread { c.resume(with: Result { try body() }) }
    }
}

struct TestClientError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs an HTTPServer for the duration of `body`, then cancels it and waits for it to stop.
func withServer(loops: Int = 1, maxBodyBytes: Int = 16 << 20, configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse,
                _ body: (Int) async throws -> Void) async throws {
    let server = try HTTPServer(loops: loops, maxBodyBytes: maxBodyBytes, configuration: configuration, handler: handler)
    let task = Task { try await server.run() }
    do {
        try await body(server.port)
    } catch {
        task.cancel()
        _ = try? await task.value
        throw error
    }
    task.cancel()
    try await task.value
}
