import HTTPCore

/// A request in the wake path, as the (thread-agnostic) wake shell refers to it: the loop that
/// owns it and the loop-bound request. Every call hops to that loop.
struct HeldHandle: Sendable {
    let loop: EventLoop
    let request: LoopBound<ProxiedRequest>
    /// When the client's request arrived (monotonic ns), for the wake duration.
    let arrivalNanos: Int

    /// Called under the shell's lock on the request's own loop, as it enters the queue.
    func held(id: Int) { request.value.enteredQueue(id: id) }

    func forward(to ep: Upstream, runtime: AppRuntime) { run { $0.forwardReleased(to: ep) } }

    func reject(_ cause: AppRuntime.Machine.RejectCause, startupTimeout: Duration) {
        run { $0.rejectHeld(cause, startupTimeout: startupTimeout) }
    }

    private func run(_ body: @escaping (ProxiedRequest) -> Void) {
        if loop.inLoop { return body(request.value) }
        let work = LoopBound((body, request.value))
        loop.execute { work.value.0(work.value.1) }
    }
}
