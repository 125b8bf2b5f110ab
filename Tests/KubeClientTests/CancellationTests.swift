import DozeJSON
import Foundation
import Glibc
import Testing
@testable import KubeClient

/// Cancellation reaches every request promptly: one started in an already-cancelled task (it
/// used to hang: the URLSession task was cancelled before it was resumed, and a cancelled task
/// that never ran reports nothing), one cancelled while the server sits on it, and a watch
/// cancelled mid-stream. A cancelled request ends with CancellationError and closes its connection.
@Suite struct CancellationTests {
    /// A server that answers every request at once (a request that is sent completes).
    static func answering() throws -> ScriptedServer {
        try ScriptedServer { _, conn in conn.respond(200, json: configMapJSON("cm", rv: "1")) }
    }

    /// A server that holds every request: it raises `received`, then waits (up to 20 s) for the
    /// client to close the connection and raises `closed`.
    static func holding(received: AsyncSignal, closed: AsyncSignal, stream: Bool = false) throws -> ScriptedServer {
        try ScriptedServer { _, conn in
            if stream {
                conn.startChunked()
                conn.writeLine(watchLine("ADDED", configMapJSON("cm", rv: "2")))
            }
            received.signal()
            if Self.waitForPeerClose(conn.fd, seconds: 20) { closed.signal() }
            conn.drop()
        }
    }

    /// True once the peer closed its end (a read returns EOF or an error) within `seconds`.
    static func waitForPeerClose(_ fd: Int32, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { return true }
            if p.revents == 0 { continue }
            if recv(fd, &buffer, buffer.count, 0) <= 0 { return true }
        }
        return false
    }

    /// The task's outcome, or nil if it did not finish within `seconds`. Waits on a signal, not
    /// on the task: awaiting a hung task's value would hang the test instead of failing it.
    static func outcome<R: Sendable>(of task: Task<R, any Error>, within seconds: Double) async -> Result<R, any Error>? {
        let (stream, continuation) = AsyncStream<Result<R, any Error>>.makeStream()
        Task {
            do { continuation.yield(.success(try await task.value)) } catch { continuation.yield(.failure(error)) }
        }
        return try? await withTimeout(seconds) { () -> Result<R, any Error>? in
            var it = stream.makeAsyncIterator()
            return await it.next()
        }
    }

    static func isCancellation<R>(_ r: Result<R, any Error>?) -> Bool {
        if case .failure(let e)? = r { return e is CancellationError }
        return false
    }

    static func selfCancelled<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) -> Task<R, any Error> {
        Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await body()
        }
    }

    @Test func requestFromCancelledTaskThrowsAtOnce() async throws {
        let server = try Self.answering()
        defer { server.stop() }
        let client = KubeClient(transport: URLSessionTransport(server: server.url), namespace: "default")
        let task = Self.selfCancelled { try await client.api(ConfigMap.self).get("cm") }
        #expect(Self.isCancellation(await Self.outcome(of: task, within: 5)))
        #expect(server.requests.isEmpty, "a cancelled task sends nothing")
    }

    @Test func bareTransportFromCancelledTaskThrowsAtOnce() async throws {
        let server = try Self.answering()
        defer { server.stop() }
        let transport = URLSessionTransport(server: server.url)
        let request = try client(server).api(ConfigMap.self).builder.get("cm")
        let send = Self.selfCancelled { try await transport.send(request) }
        #expect(Self.isCancellation(await Self.outcome(of: send, within: 5)))
        let stream = Self.selfCancelled { try await transport.stream(request).status }
        #expect(Self.isCancellation(await Self.outcome(of: stream, within: 5)))
    }

    @Test func watchFromCancelledTaskThrowsAtOnce() async throws {
        let server = try Self.answering()
        defer { server.stop() }
        let api = client(server).api(ConfigMap.self)
        let task = Self.selfCancelled { _ = try await api.watch(WatchOptions(resourceVersion: "1")) }
        #expect(Self.isCancellation(await Self.outcome(of: task, within: 5)))
    }

    @Test func requestCancelledMidFlightThrowsAndClosesTheConnection() async throws {
        let received = AsyncSignal(), closed = AsyncSignal()
        let server = try Self.holding(received: received, closed: closed)
        defer { server.stop() }
        let api = client(server).api(ConfigMap.self)
        let task = Task { try await api.get("cm") }
        #expect(await received.wait(upTo: 10))
        task.cancel()
        #expect(Self.isCancellation(await Self.outcome(of: task, within: 5)))
        #expect(await closed.wait(upTo: 10), "the connection was left open")
    }

    @Test func watchCancelledMidStreamEndsAndClosesTheConnection() async throws {
        let received = AsyncSignal(), closed = AsyncSignal(), firstEvent = AsyncSignal()
        let server = try Self.holding(received: received, closed: closed, stream: true)
        defer { server.stop() }
        let api = client(server).api(ConfigMap.self)
        let task = Task { () -> Int in
            var events = 0
            for try await _ in try await api.watch(WatchOptions(resourceVersion: "1")) {
                events += 1
                firstEvent.signal()
            }
            return events
        }
        #expect(await firstEvent.wait(upTo: 10))
        task.cancel()
        // Ending quietly or with CancellationError are both fine; hanging or another error is not.
        switch await Self.outcome(of: task, within: 5) {
        case .success(let events)?: #expect(events == 1)
        case .failure(let error)?: #expect(error is CancellationError)
        case nil: Issue.record("the watch did not end after cancellation")
        }
        #expect(await closed.wait(upTo: 10), "the watch connection was left open")
    }

    /// Cancellation at every moment around the start of a request (before the task runs, as it
    /// starts, once it is in flight): each request ends, none hangs. Before the fix about one in
    /// three requests begun in a cancelled task never returned.
    @Test func cancellationAtAnyMomentNeverHangs() async throws {
        let server = try Self.answering()
        defer { server.stop() }
        let transport = URLSessionTransport(server: server.url)
        let request = try client(server).api(ConfigMap.self).builder.get("cm")
        var outcomes: [String: Int] = [:]
        for i in 0..<150 {
            let task = Task { () async throws -> Int in
                if i % 3 == 0 { withUnsafeCurrentTask { $0?.cancel() } }
                return try await transport.send(request).status
            }
            if i % 3 == 1 { task.cancel() }
            if i % 3 == 2 { Task { await Task.yield(); task.cancel() } }
            switch await Self.outcome(of: task, within: 5) {
            case .success(let status)?: outcomes["\(status)", default: 0] += 1
            case .failure(let error)?: outcomes[error is CancellationError ? "cancelled" : "\(error)", default: 0] += 1
            case nil: Issue.record("request \(i) hung after cancellation"); return
            }
        }
        #expect(Set(outcomes.keys).isSubset(of: ["200", "cancelled"]), "\(outcomes)")
        #expect(outcomes["cancelled", default: 0] >= 100)
    }

    func client(_ server: ScriptedServer) -> KubeClient {
        KubeClient(transport: URLSessionTransport(server: server.url), namespace: "default")
    }
}
