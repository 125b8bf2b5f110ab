import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The real transport: one dedicated URLSession per client, with a session-level delegate.
///
/// Facts about URLSession on Linux (swift-corelibs-foundation, libcurl) this relies on:
/// - timeouts are whole seconds, and the request timeout is an idle timer (time without bytes),
///   so a watch's request timeout is set from its `timeoutSeconds` plus a margin
///   (`KubeRequest.idleTimeout`), never shorter than the longest silence the server may keep;
/// - every HTTP/1.1 watch holds a connection, so the per-host connection cap is raised well above
///   the default 6 (a 7th watch would otherwise queue forever);
/// - custom CA and client certificates are given to libcurl by `TLSHook` (Config/), not here.
public final class URLSessionTransport: HTTPTransport, Sendable {
    public let server: URL
    let requestTimeout: Double
    private let session: URLSession
    private let delegate: SessionDelegate

    public init(server: URL, requestTimeout: Double = 30, maxConnectionsPerHost: Int = 64) {
        self.server = server
        self.requestTimeout = requestTimeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout
        configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        let queue = OperationQueue()
        queue.name = "KubeClient.URLSessionTransport"
        queue.maxConcurrentOperationCount = 1
        delegate = SessionDelegate()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit {
        // The session holds its delegate strongly until invalidated.
        session.invalidateAndCancel()
    }

    public func send(_ request: KubeRequest) async throws -> TransportResponse {
        try Task.checkCancellation()
        let urlRequest = try makeURLRequest(request)
        let task = session.dataTask(with: urlRequest)
        let gate = StartGate(task)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.registerBuffered(task.taskIdentifier, continuation)
                if !gate.start() { delegate.abandon(task) }
            }
        } onCancel: {
            gate.cancel()
        }
    }

    public func stream(_ request: KubeRequest) async throws -> TransportStream {
        try Task.checkCancellation()
        let urlRequest = try makeURLRequest(request)
        let task = session.dataTask(with: urlRequest)
        let gate = StartGate(task)
        let (lines, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        // The consumer stopping (break, cancellation, dropping the stream) closes the connection.
        // The closure also keeps this transport (and its session) alive while the stream is: a
        // caller may drop the client and keep only the stream. The cycle through the delegate
        // ends when the task completes.
        continuation.onTermination = { [self] _ in
            withExtendedLifetime(self) { gate.cancel() }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { head in
                delegate.registerStreaming(task.taskIdentifier, head: head, stream: lines, lines: continuation)
                if !gate.start() { delegate.abandon(task) }
            }
        } onCancel: {
            gate.cancel()
        }
    }

    private func makeURLRequest(_ request: KubeRequest) throws -> URLRequest {
        guard let url = request.url(on: server) else {
            throw KubeError.invalidRequest("cannot form a URL from \(server) and \(request.target)")
        }
        var r = URLRequest(url: url)
        r.httpMethod = request.method.rawValue
        r.cachePolicy = .reloadIgnoringLocalCacheData
        // Whole seconds, rounded up: URLSession truncates, and 0 would mean "no timeout".
        r.timeoutInterval = (request.idleTimeout ?? requestTimeout).rounded(.up)
        for (name, value) in request.headers { r.setValue(value, forHTTPHeaderField: name) }
        if let body = request.body { r.httpBody = Data(body) }
        return r
    }
}

/// Orders a URLSession task's start and its cancellation. A task cancelled before `resume()`
/// completes on the session's queue at a time of its choosing, possibly before the delegate knows
/// the task, and then nobody hears of it: the request hung (seen when a request began in an
/// already-cancelled Swift task). So a task is only ever cancelled after it started; one whose
/// request was cancelled first is never started and is failed by the transport itself.
final class StartGate: Sendable {
    private enum State { case idle, started, cancelled }
    private let state = Mutex(State.idle)
    private let box: TaskBox

    init(_ task: URLSessionTask) { box = TaskBox(task) }

    /// Starts the task, unless the request was cancelled already (then false).
    func start() -> Bool {
        state.withLock { s in
            guard s == .idle else { return false }
            s = .started
            // Under the lock, so that a concurrent `cancel` sees a task that has really started.
            box.task.resume()
            return true
        }
    }

    /// Cancels the task if it started; otherwise makes sure it never will.
    func cancel() {
        let started = state.withLock { s -> Bool in
            defer { s = .cancelled }
            return s == .started
        }
        if started { box.task.cancel() }
    }
}

/// Carries a task into `@Sendable` closures (URLSessionTask is thread-safe).
private final class TaskBox: @unchecked Sendable {
    let task: URLSessionTask
    init(_ task: URLSessionTask) { self.task = task }
}
