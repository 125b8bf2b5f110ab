/// Limits and timeouts of an HTTP server (nanoseconds for durations, so loops need no Duration math).
public struct HTTPServerConfiguration: Sendable {
    public var limits: HTTPParserLimits
    /// Time allowed from a connection's first byte of a request (or its opening) to the end of
    /// the head: a client that trickles headers (slowloris) is closed after it.
    public var headerTimeoutNanoseconds: Int64
    /// How long an idle keep-alive connection stays open between requests.
    public var keepAliveTimeoutNanoseconds: Int64
    /// On shutdown, how long in-flight requests may take before their connections are closed.
    public var shutdownGraceNanoseconds: Int64
    /// Largest inbound buffer per connection (pipelined requests beyond it wait in the kernel).
    public var maxInboundBuffer: Int
    public var listenBacklog: Int

    public init(limits: HTTPParserLimits = HTTPParserLimits(), headerTimeoutNanoseconds: Int64 = 10_000_000_000,
                keepAliveTimeoutNanoseconds: Int64 = 75_000_000_000, shutdownGraceNanoseconds: Int64 = 10_000_000_000,
                maxInboundBuffer: Int = 65536, listenBacklog: Int = 1024) {
        self.limits = limits
        self.headerTimeoutNanoseconds = headerTimeoutNanoseconds
        self.keepAliveTimeoutNanoseconds = keepAliveTimeoutNanoseconds
        self.shutdownGraceNanoseconds = shutdownGraceNanoseconds
        self.maxInboundBuffer = maxInboundBuffer
        self.listenBacklog = listenBacklog
    }
}

/// Wraps a loop-confined value so it can ride in a `@Sendable` closure to its own loop.
/// Only sound when the value is touched on that loop alone, which is how HTTPCore uses it.
public struct LoopBound<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
