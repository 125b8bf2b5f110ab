import DozeJSON
import Foundation
import Synchronization
@testable import KubeClient

/// A clock whose sleeps return at once and are recorded, so backoff and Retry-After are
/// asserted without waiting them out.
final class RecordingClock: Sendable {
    private let sleeps = Mutex<[Double]>([])
    var recorded: [Double] { sleeps.withLock { $0 } }

    var clock: KubeClock {
        KubeClock(now: KubeClock.system.now,
                  sleep: { [self] seconds in
                      sleeps.withLock { $0.append(seconds) }
                      try Task.checkCancellation()
                      await Task.yield()
                  },
                  random: { 0.5 })
    }
}

/// A client of a scripted server with recorded (instant) sleeps.
func makeClient(_ server: ScriptedServer, clock: RecordingClock = RecordingClock(),
                authorization: any AuthorizationProvider = StaticAuthorization(nil),
                retry: RequestRetryPolicy = RequestRetryPolicy(), requestTimeout: Double = 10) -> KubeClient {
    KubeClient(transport: URLSessionTransport(server: server.url, requestTimeout: requestTimeout),
               authorization: authorization, namespace: "default",
               options: ClientOptions(retry: retry, clock: clock.clock))
}

/// A ConfigMap-shaped object as a test server returns it.
func configMapJSON(_ name: String, rv: String, extra: JSON = .null) -> JSON {
    var o: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "data": ["k": "v"]]
    o["metadata"] = ["name": JSON(name), "namespace": "default", "resourceVersion": JSON(rv)]
    if !extra.isNull { o["extra"] = extra }
    return o
}

func listJSON(_ items: [JSON], rv: String, continueToken: String? = nil) -> JSON {
    var o: JSON = ["kind": "ConfigMapList", "apiVersion": "v1", "items": .array(items)]
    o["metadata"] = ["resourceVersion": JSON(rv)]
    if let continueToken { o[path: "metadata", "continue"] = JSON(continueToken) }
    return o
}

func watchLine(_ type: String, _ object: JSON) -> JSON { ["type": JSON(type), "object": object] }

func bookmarkLine(rv: String) -> JSON {
    watchLine("BOOKMARK", ["kind": "ConfigMap", "apiVersion": "v1", "metadata": ["resourceVersion": JSON(rv)]])
}

func expiredLine(_ message: String = "too old resource version") -> JSON {
    watchLine("ERROR", ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                        "message": JSON(message), "reason": "Expired", "code": 410])
}

/// Awaits `body` but gives up after `seconds` (an upper bound, not a wait).
func withTimeout<R: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
    try await withThrowingTaskGroup(of: R.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            throw TimeoutError(seconds: seconds)
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "timed out after \(seconds) s" }
}

/// A one-shot signal a server thread raises and a test awaits without blocking a thread of
/// Swift's cooperative pool (two threads on this machine: a blocked one can starve the client).
final class AsyncSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream<Void>.makeStream() }

    func signal() { continuation.yield() }

    /// True if signalled within `seconds`.
    func wait(upTo seconds: Double) async -> Bool {
        let stream = stream
        return (try? await withTimeout(seconds) {
            var it = stream.makeAsyncIterator()
            return await it.next() != nil
        }) ?? false
    }
}
