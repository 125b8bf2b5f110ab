/// Sends requests with the client's policies around a bare `HTTPTransport`: the rate limit,
/// the Authorization header (a 401 invalidates the provider's cached credentials and retries
/// once), the User-Agent, and retries per `RequestRetryPolicy`.
struct RequestExecutor: Sendable {
    let transport: any HTTPTransport
    let auth: any AuthorizationProvider
    let limiter: RateLimiter
    let retry: RequestRetryPolicy
    let clock: KubeClock
    let userAgent: String
    let onWarning: (@Sendable (String) -> Void)?

    /// Sends a request; a non-2xx final answer throws its `KubeError`.
    func send(_ request: KubeRequest) async throws -> TransportResponse {
        try await execute(request) { prepared in
            let response = try await transport.send(prepared)
            if let warning = response.headers["warning"] { onWarning?(warning) }
            return response.isSuccess ? .success(response) : .failure(response)
        }
    }

    /// Opens a stream; retries happen only until a 2xx head arrives, never mid-stream.
    func stream(_ request: KubeRequest) async throws -> TransportStream {
        try await execute(request) { prepared in
            let stream = try await transport.stream(prepared)
            if (200..<300).contains(stream.status) { return .success(stream) }
            let body = try await stream.collectBody()
            return .failure(TransportResponse(status: stream.status, headers: stream.headers, body: body))
        }
    }

    private enum Outcome<R: Sendable>: Sendable {
        case success(R)
        case failure(TransportResponse)
    }

    private func execute<R: Sendable>(_ request: KubeRequest,
                                      _ attempt: (KubeRequest) async throws -> Outcome<R>) async throws -> R {
        var retries = 0
        var reauthenticated = false
        while true {
            // A cancelled caller sends nothing more (also between retries).
            try Task.checkCancellation()
            try await limiter.acquire()
            let prepared = try await prepare(request)
            let outcome: Outcome<R>
            do {
                outcome = try await attempt(prepared)
            } catch let error as KubeError where error.isTransport {
                guard let delay = retry.delayAfterTransportError(request: request, notSent: error.isNotSent,
                                                                   attempt: retries,
                                                                   random: clock.random()) else { throw error }
                retries += 1
                try await clock.sleep(delay)
                continue
            }
            switch outcome {
            case .success(let value):
                return value
            case .failure(let response):
                if response.status == 401 && !reauthenticated {
                    // Tokens rotate and exec credentials expire: fetch fresh ones once.
                    reauthenticated = true
                    await auth.invalidate()
                    continue
                }
                guard let delay = retry.delay(after: response.status, headers: response.headers, request: request,
                                              attempt: retries, random: clock.random())
                else { throw KubeError.api(code: response.status, body: response.body) }
                retries += 1
                try await clock.sleep(delay)
            }
        }
    }

    private func prepare(_ request: KubeRequest) async throws -> KubeRequest {
        var r = request
        r.headers["User-Agent"] = userAgent
        if r.headers["Accept"] == nil { r.headers["Accept"] = "application/json" }
        if let authorization = try await auth.authorization() { r.headers["Authorization"] = authorization }
        return r
    }
}
