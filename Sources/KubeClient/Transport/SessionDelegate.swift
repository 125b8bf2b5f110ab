import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The session-level delegate of a `URLSessionTransport`. It must be set on the session: on
/// Linux a delegate set on a task of `URLSession.shared` gets no callbacks. Every request runs
/// as a data task whose bytes arrive here, either buffered whole or split into lines and yielded
/// at once (that is what makes watch events prompt; `bytes(for:)` does not exist on Linux).
final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
    typealias LineStream = AsyncThrowingStream<[UInt8], any Error>

    /// What one task is waiting for. Only touched under the `tasks` lock, hence unchecked.
    private final class TaskState: @unchecked Sendable {
        var status = 0
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var buffered: CheckedContinuation<TransportResponse, any Error>?
        var head: CheckedContinuation<TransportStream, any Error>?
        var stream: LineStream?
        var lines: LineStream.Continuation?
        var splitter = LineSplitter()
    }

    private let tasks = Mutex<[Int: TaskState]>([:])

    func registerBuffered(_ taskID: Int, _ continuation: CheckedContinuation<TransportResponse, any Error>) {
        let state = TaskState()
        state.buffered = continuation
        tasks.withLock { $0[taskID] = state }
    }

    func registerStreaming(_ taskID: Int, head: CheckedContinuation<TransportStream, any Error>,
                           stream: LineStream, lines: LineStream.Continuation) {
        let state = TaskState()
        state.head = head
        state.stream = stream
        state.lines = lines
        tasks.withLock { $0[taskID] = state }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http?.allHeaderFields ?? [:] {
            if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
        }
        let status = http?.statusCode ?? 0
        let ready: (CheckedContinuation<TransportStream, any Error>, LineStream)? = tasks.withLock { map in
            guard let state = map[dataTask.taskIdentifier] else { return nil }
            state.status = status
            state.headers = headers
            guard let head = state.head, let stream = state.stream else { return nil }
            state.head = nil
            state.stream = nil
            return (head, stream)
        }
        if let (head, stream) = ready {
            head.resume(returning: TransportStream(status: status, headers: headers, lines: stream))
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let ready: (LineStream.Continuation, [[UInt8]])? = tasks.withLock { map in
            guard let state = map[dataTask.taskIdentifier] else { return nil }
            guard let lines = state.lines else {
                state.body.append(contentsOf: data)
                return nil
            }
            return (lines, state.splitter.append(data))
        }
        // Yield outside the lock: the consumer may run as soon as a line is yielded.
        if let (lines, complete) = ready { for line in complete { lines.yield(line) } }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        complete(task.taskIdentifier, failure: error.map(Self.transportError))
    }

    /// Fails a registered task that was never started (its request was cancelled first) with
    /// CancellationError, and lets the session forget it.
    func abandon(_ task: URLSessionTask) {
        complete(task.taskIdentifier, failure: CancellationError())
        task.cancel()  // never resumed: any callback it still makes finds nothing registered
    }

    /// Delivers the end of a task to whoever waits on it, once.
    private func complete(_ taskID: Int, failure: (any Error)?) {
        guard let state = tasks.withLock({ $0.removeValue(forKey: taskID) }) else { return }
        if let buffered = state.buffered {
            if let failure {
                buffered.resume(throwing: failure)
            } else {
                buffered.resume(returning: TransportResponse(status: state.status, headers: state.headers, body: state.body))
            }
        }
        if let lines = state.lines {
            if let failure {
                lines.finish(throwing: failure)
            } else {
                if let tail = state.splitter.finish() { lines.yield(tail) }
                lines.finish()
            }
        }
        // A stream that failed (or ended) before its head arrived.
        state.head?.resume(throwing: failure ?? KubeError.transport("response ended before its head"))
    }

    static func transportError(_ error: any Error) -> any Error {
        if let urlError = error as? URLError {
            if urlError.code == .cancelled { return CancellationError() }
            let notSent: Set<URLError.Code> = [.cannotConnectToHost, .cannotFindHost, .dnsLookupFailed]
            return KubeError.transport("URLError \(urlError.code.rawValue): \(urlError.localizedDescription)",
                                       notSent: notSent.contains(urlError.code))
        }
        return KubeError.transport(String(describing: error))
    }
}
