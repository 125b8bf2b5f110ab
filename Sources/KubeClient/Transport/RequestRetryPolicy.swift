import Foundation

/// When to send a failed request again, and after how long. Pure.
///
/// What is retried:
/// - 429 Too Many Requests, for every verb: the API server's flow control rejects a request
///   before any handler runs, so nothing was done (client-go retries these for all verbs too).
///   `Retry-After` (seconds) is honoured, capped at `maxRetryAfter`.
/// - a connection that could not be made (refused, unknown host), for every verb: the request
///   never left.
/// - 500, 502, 503, 504 and other connection errors (reset, dropped, timed out), only for
///   idempotent requests (`KubeRequest.isIdempotent`: GET, HEAD, PUT, DELETE, merge and apply
///   patches). The first attempt may have been applied before the failure, and repeating a POST
///   or a JSON patch is not safe then. A retried PUT with a resourceVersion may answer 409 when
///   the first attempt did land; callers handle conflicts anyway.
/// Delays grow exponentially from `baseDelay` to `maxDelay`, with "equal jitter" (half fixed,
/// half random) so that clients that failed together do not come back together.
public struct RequestRetryPolicy: Sendable, Hashable {
    public var maxRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    public var maxRetryAfter: Double

    public init(maxRetries: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 10, maxRetryAfter: Double = 60) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let none = RequestRetryPolicy(maxRetries: 0)

    public static let retriedServerErrors: Set<Int> = [500, 502, 503, 504]

    /// The delay before retry number `attempt + 1` after an HTTP error response, or nil to give
    /// up. `random` is uniform in [0, 1).
    public func delay(after status: Int, headers: [String: String], request: KubeRequest, attempt: Int,
                      random: Double) -> Double? {
        guard attempt < maxRetries else { return nil }
        if status == 429 {
            if let seconds = Self.retryAfter(headers) { return min(seconds, maxRetryAfter) }
            return backoff(attempt: attempt, random: random)
        }
        guard Self.retriedServerErrors.contains(status), request.isIdempotent else { return nil }
        if let seconds = Self.retryAfter(headers) { return min(seconds, maxRetryAfter) }
        return backoff(attempt: attempt, random: random)
    }

    /// The delay after a connection error (no HTTP response), or nil to give up. `notSent`: the
    /// connection was never made.
    public func delayAfterTransportError(request: KubeRequest, notSent: Bool = false, attempt: Int,
                                         random: Double) -> Double? {
        guard attempt < maxRetries, notSent || request.isIdempotent else { return nil }
        return backoff(attempt: attempt, random: random)
    }

    /// baseDelay·2^attempt capped at maxDelay, then half of it jittered.
    public func backoff(attempt: Int, random: Double) -> Double {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(attempt, 30)))
        return exponential / 2 + exponential / 2 * random
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by the API server).
    static func retryAfter(_ headers: [String: String]) -> Double? {
        guard let raw = headers["retry-after"]?.trimmingCharacters(in: .whitespaces),
              let seconds = Int(raw), seconds >= 0 else { return nil }
        return Double(seconds)
    }
}
