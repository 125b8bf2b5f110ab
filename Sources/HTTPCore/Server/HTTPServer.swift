import Synchronization

/// The simple async server: each request is read in full, handed to an async handler, and its
/// `HTTPResponse` written back — whole bytes with Content-Length, or a stream with chunked
/// encoding flushed chunk by chunk. Built on `HTTPConnectionServer`, so keep-alive, pipelining,
/// 100-continue, limits and timeouts behave the same. When the client disconnects, the handler's
/// task is cancelled, which ends iteration of a streamed body (firing its `onTermination`).
public final class HTTPServer: Sendable {
    private let server: HTTPConnectionServer
    private let stop = Mutex<(requested: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    public init(host: String = "127.0.0.1", port: Int = 0, loops: Int = EventLoopGroup.coreCount,
                maxBodyBytes: Int = 16 << 20, configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) throws {
        server = try HTTPConnectionServer(host: host, port: port, loops: loops, configuration: configuration) { exchange in
            AsyncExchange.serve(exchange, maxBodyBytes: maxBodyBytes, handler: handler)
        }
    }

    /// The bound port.
    public var port: Int { server.port }

    /// Serves until the task is cancelled or `shutdown()` is called; then stops accepting and
    /// finishes in-flight requests up to the configured grace period.
    public func run() async throws {
        server.start()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let already = stop.withLock { s -> Bool in
                    if s.requested { return true }
                    s.waiter = c
                    return false
                }
                if already { c.resume() }
            }
        } onCancel: {
            shutdown()
        }
        await server.shutdown()
    }

    /// Makes `run()` return (after a graceful stop).
    public func shutdown() {
        let waiter = stop.withLock { s -> CheckedContinuation<Void, Never>? in
            s.requested = true
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }
}
