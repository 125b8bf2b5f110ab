/// Tunables of a `KubeClient`. The defaults suit a controller or proxy talking to one cluster.
public struct ClientOptions: Sendable {
    /// Client-side rate limit: sustained requests per second (0 or less: unlimited)…
    public var qps: Double
    /// …and how many may go at once before the limit applies.
    public var burst: Int
    public var retry: RequestRetryPolicy
    /// Idle timeout of ordinary requests, in seconds (URLSession: whole seconds of silence).
    public var requestTimeout: Double
    public var userAgent: String
    public var clock: KubeClock
    /// Called with each `Warning` header the server sends (deprecated APIs, unknown fields with
    /// `fieldValidation=Warn`), e.g. to log it.
    public var onWarning: (@Sendable (String) -> Void)?

    public static let defaultUserAgent = "doze/\(KubeClient.version)"

    public init(qps: Double = 50, burst: Int = 100, retry: RequestRetryPolicy = RequestRetryPolicy(), requestTimeout: Double = 30,
                userAgent: String = ClientOptions.defaultUserAgent, clock: KubeClock = .system,
                onWarning: (@Sendable (String) -> Void)? = nil) {
        self.qps = qps
        self.burst = burst
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
        self.clock = clock
        self.onWarning = onWarning
    }
}
