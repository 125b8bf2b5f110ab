/// Bridges one connection-level exchange to the async handler of `HTTPServer`.
/// Loop-local state; the handler's task talks back through `loop.execute`.
final class AsyncExchange {
    private let exchange: HTTPServerExchange
    private var body: [UInt8] = []
    private var task: Task<Void, Never>?
    private var writableWaiter: CheckedContinuation<Void, Never>?
    var streaming = false
    var shutdownRequested = false

    private init(_ exchange: HTTPServerExchange) { self.exchange = exchange }

    static func serve(_ exchange: HTTPServerExchange, maxBodyBytes: Int,
                      handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        if case .length(let n) = exchange.head.framing, n > maxBodyBytes {
            tooLarge(exchange)
            return
        }
        let state = AsyncExchange(exchange)
        exchange.onAbort = { state.aborted() }
        exchange.onWritable = { state.resumeWriter() }
        // On shutdown a streamed body (a watch) ends cleanly instead of holding up the drain.
        exchange.onShutdown = {
            state.shutdownRequested = true
            if state.streaming { state.aborted() }
        }
        exchange.readBody(onData: { bytes in
            guard !exchange.isResponseStarted else { return }
            if state.body.count + bytes.count > maxBodyBytes {
                tooLarge(exchange)
            } else {
                state.body.append(contentsOf: bytes)
            }
        }, onEnd: { _ in
            guard !exchange.isResponseStarted else { return }
            state.start(handler)
        })
    }

    private static func tooLarge(_ exchange: HTTPServerExchange) {
        exchange.respond(status: 413, headers: ["Content-Type": "text/plain; charset=utf-8"],
                         body: Array("request body too large\n".utf8))
    }

    private func start(_ handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        let head = exchange.head
        let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: body,
                                  remoteAddress: exchange.remoteAddress)
        body = []
        let me = LoopBound(self)
        let loop = exchange.loop
        task = Task {
            let response = await handler(request)
            await me.value.send(response, loop: loop)
        }
    }

    /// Runs on the handler's task; every touch of the exchange hops to its loop.
    private func send(_ response: HTTPResponse, loop: EventLoop) async {
        let me = LoopBound(self)
        switch response.body {
        case .bytes(let bytes):
            loop.execute { me.value.exchange.respond(status: response.status, headers: response.headers, body: bytes) }
        case .stream(let stream):
            loop.execute {
                me.value.streaming = true
                me.value.exchange.sendHead(status: response.status, headers: response.headers, framing: .chunked)
                if me.value.shutdownRequested { me.value.aborted() }
            }
            for await chunk in stream {
                if Task.isCancelled { break }
                // Wait for the loop to take the chunk and for the socket to be writable: prompt
                // flush for trickling watches, bounded memory for fast producers.
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    loop.execute { me.value.write(chunk, then: c) }
                }
                if Task.isCancelled { break }
            }
            loop.execute { me.value.exchange.sendEnd() }
        }
    }

    private func write(_ chunk: [UInt8], then c: CheckedContinuation<Void, Never>) {
        exchange.sendBody(chunk)
        if exchange.isAborted || exchange.isWritable { c.resume() } else { writableWaiter = c }
    }

    private func resumeWriter() {
        let w = writableWaiter
        writableWaiter = nil
        w?.resume()
    }

    private func aborted() {
        task?.cancel()
        resumeWriter()
    }
}
