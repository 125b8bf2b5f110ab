import DozeJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The controller's side of the proxy admin API (contract §3): `GET /activity`, `POST /fence`,
/// `POST /unfence` on one replica's admin base URL. Plain URLSession: this is not the Kubernetes
/// API. Every call has a short deadline of its own (URLSession's timeouts are whole seconds).
public final class ProxyAdminClient: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let session: URLSession
    private let timeout: Duration

    public init(timeout: Duration = .milliseconds(800)) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration)
        self.timeout = timeout
    }

    deinit { session.invalidateAndCancel() }

    /// The replica's activity report.
    public func activity(_ endpoint: String) async throws -> JSON {
        try await send(endpoint, "GET", "/activity", body: nil)
    }

    /// Fences `app` on the replica; its answer, read after the fence took effect.
    public func fence(_ endpoint: String, app: String, ttl: Duration) async throws -> AppActivity {
        let ms = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        let answer = try await send(endpoint, "POST", "/fence", body: ["app": .string(app), "ttlMillis": .int(ms)])
        guard let idle = answer["idleMillis"].int else { throw Failure(description: "\(endpoint)/fence: no idleMillis") }
        return AppActivity(inFlight: answer["inFlight"].int ?? 0, idle: .milliseconds(idle),
                           openTunnels: answer["openTunnels"].int ?? 0)
    }

    public func unfence(_ endpoint: String, app: String, slept: Bool) async throws {
        _ = try await send(endpoint, "POST", "/unfence", body: ["app": .string(app), "slept": .bool(slept)])
    }

    private func send(_ endpoint: String, _ method: String, _ path: String, body: JSON?) async throws -> JSON {
        guard let url = URL(string: endpoint + path) else { throw Failure(description: "bad endpoint \(endpoint)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.serializedBytes())
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, status) = try await perform(request)
        guard status == 200 else { throw Failure(description: "\(method) \(url): HTTP \(status)") }
        do { return try JSON(parsing: Array(data)) } catch {
            throw Failure(description: "\(method) \(url): the answer is not JSON")
        }
    }

    /// A data task raced against the deadline; whichever ends first resumes, once.
    private func perform(_ request: URLRequest) async throws -> (Data, Int) {
        let once = Mutex<CheckedContinuation<(Data, Int), any Error>?>(nil)
        let finish: @Sendable (Result<(Data, Int), any Error>) -> Void = { result in
            once.withLock { c in defer { c = nil }; return c }?.resume(with: result)
        }
        let task = session.dataTask(with: request) { data, response, error in
            if let error { return finish(.failure(error)) }
            finish(.success((data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0)))
        }
        let box = DataTaskBox(task)
        let timeout = self.timeout
        let url = request.url?.absoluteString ?? ""
        let timer = Mutex<Task<Void, Never>?>(nil)
        defer { timer.withLock { $0 }?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { c in
                once.withLock { $0 = c }
                box.task.resume()
                timer.withLock {
                    $0 = Task {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        box.task.cancel()
                        finish(.failure(Failure(description: "\(url): no answer within \(timeout)")))
                    }
                }
            }
        } onCancel: {
            box.task.cancel()
        }
    }
}

private final class DataTaskBox: @unchecked Sendable {
    let task: URLSessionDataTask
    init(_ task: URLSessionDataTask) { self.task = task }
}
