/// The wake path for one App, as a value-type state machine: the socket shell feeds it events
/// (a request with nowhere to go, an endpoint seen ready, a request finished, a timer) and
/// executes the actions it returns (scale up once, probe an endpoint, forward a held request to
/// a backend, answer 503). No I/O here, so every race is a unit test.
///
/// Rules (from what the anchors get wrong, ../shared/research/anchors.md):
/// - one scale call per wake, however many requests arrive (coalesced);
/// - forward as soon as any backend answers its health path: endpoints seen not-ready are probed
///   directly rather than waiting for the EndpointSlice (KEDA's 20 s first requests);
/// - held requests are released a few per backend at a time (KEDA #1038 flooded replica one);
/// - a bounded queue; a full queue or `startupTimeout` answers 503 with Retry-After;
/// - a connect failure before anything was sent is not a 502: the request is held again.
public struct WakeMachine<RequestID: Hashable & Sendable, Endpoint: Hashable & Sendable>: Sendable {
    public struct Config: Sendable, Equatable {
        public var queueCapacity: Int
        public var startupTimeout: Duration
        /// Held requests in flight per backend while the wake drains the queue.
        public var admitPerBackend: Int

        public init(queueCapacity: Int = 1000, startupTimeout: Duration = .seconds(120), admitPerBackend: Int = 8) {
            self.queueCapacity = queueCapacity
            self.startupTimeout = startupTimeout
            self.admitPerBackend = admitPerBackend
        }
    }

    public enum RejectCause: String, Sendable { case queueFull = "queue full", startupTimeout = "startup timeout" }

    public enum Action: Sendable, Equatable {
        /// Scale the App's Deployment 0 → min (at most once per wake).
        case scaleUp
        /// Probe this not-yet-ready endpoint's health path until it answers.
        case startProbing(Endpoint)
        case stopProbing(Endpoint)
        case forward(RequestID, to: Endpoint)
        case reject(RequestID, RejectCause)
        /// Call `tick` at this time (the oldest held request's deadline).
        case armTimer(at: Duration)
    }

    struct Held: Sendable {
        let id: RequestID
        let deadline: Duration
    }

    public var config: Config
    var held: [Held] = []
    var heldHead = 0
    var waking = false
    var ready: Set<Endpoint> = []
    var probing: Set<Endpoint> = []
    /// Endpoints the slices list as ready but a request could not reach: probed, not used.
    var suspects: Set<Endpoint> = []
    /// The latest starting endpoints. Probing runs only while requests are held (nobody waits
    /// for an app that never gets healthy otherwise, and probes cost its pod a request each).
    var starting: Set<Endpoint> = []
    /// Released-from-queue requests still in flight, per backend (admission while draining).
    private var admitted: [Endpoint: Int] = [:]
    public private(set) var wakeCount = 0
    /// While fenced (the controller is deciding to put the App to sleep) new requests are held,
    /// nothing is released and nothing wakes; the fence ends by itself at this time.
    var fencedUntil: Duration?

    public init(config: Config = Config()) { self.config = config }

    public var heldCount: Int { held.count - heldHead }
    public var isWaking: Bool { waking }
    public var readyEndpoints: Set<Endpoint> { ready }
    public var isFenced: Bool { fencedUntil != nil }
    /// Requests must take the wake path (held or admitted here) rather than the route's
    /// balancer: something is queued (no overtaking) or a fence is up.
    public var divertsRequests: Bool { heldCount > 0 || fencedUntil != nil }
}

extension WakeMachine {
    /// A request found no ready endpoint in the route snapshot (or the queue is draining: new
    /// requests wait behind older ones so no one overtakes a held request).
    public mutating func requestArrived(_ id: RequestID, now: Duration) -> [Action] {
        if heldCount == 0, let ep = pickBackend() {
            admitted[ep, default: 0] += 1
            return [.forward(id, to: ep)]
        }
        guard heldCount < config.queueCapacity else { return [.reject(id, .queueFull)] }
        let deadline = now + config.startupTimeout
        held.append(Held(id: id, deadline: deadline))
        var actions: [Action] = []
        if heldCount == 1 { actions.append(.armTimer(at: deadline)) }
        actions += wakeIfNeeded()
        return actions + release() + syncProbes()
    }

    /// The EndpointSlices changed. `ready`: endpoints the slice marks ready. `starting`: present,
    /// not ready and not terminating — these are probed directly. Terminating endpoints are in
    /// neither set: they must not receive held requests.
    public mutating func endpointsObserved(ready observed: Set<Endpoint>, starting: Set<Endpoint>) -> [Action] {
        // A suspect stays one until a probe clears it or it leaves the slices.
        suspects.formIntersection(observed.union(starting))
        // An endpoint our probe found ready stays ready while the slice still lists it as starting.
        ready = observed.subtracting(suspects).union(ready.intersection(starting))
        self.starting = starting
        let actions = syncProbes()
        admitted = admitted.filter { ready.contains($0.key) }
        if !ready.isEmpty { waking = false }
        // Endpoints vanished under held requests (pods killed, a sleep): wake again.
        return actions + wakeIfNeeded() + release() + syncProbes()
    }

    /// A direct probe of a starting endpoint got a healthy answer.
    public mutating func probeSucceeded(_ ep: Endpoint) -> [Action] {
        guard probing.remove(ep) != nil else { return [] }
        suspects.remove(ep)
        ready.insert(ep)
        waking = false
        return [.stopProbing(ep)] + release() + syncProbes()
    }

    /// A request this machine forwarded has finished (response complete or failed after sending).
    public mutating func requestFinished(on ep: Endpoint) -> [Action] {
        if let n = admitted[ep] { admitted[ep] = max(n - 1, 0) }
        return release() + syncProbes()
    }

    /// Connecting to `ep` failed before any byte of the request was sent: the backend is gone or
    /// not yet listening. The request is held again (at the front) rather than answered 502.
    /// The endpoint is a suspect until a probe answers: if the slices still list it (a transient
    /// failure, or a pod restarting in place) it comes back as soon as it is healthy, without
    /// waiting for a slice change that may never come.
    public mutating func connectFailed(_ id: RequestID, on ep: Endpoint, now: Duration) -> [Action] {
        let wasReady = ready.remove(ep) != nil
        admitted.removeValue(forKey: ep)
        let h = Held(id: id, deadline: now + config.startupTimeout)
        if heldHead > 0 { heldHead -= 1; held[heldHead] = h } else { held.insert(h, at: 0) }
        var actions: [Action] = heldCount == 1 ? [.armTimer(at: h.deadline)] : []
        actions += wakeIfNeeded()
        if wasReady { suspects.insert(ep) }
        return actions + release() + syncProbes()
    }

    /// The timer armed by `.armTimer` fired: held requests past their deadline get 503.
    public mutating func tick(now: Duration) -> [Action] {
        var actions: [Action] = []
        if let until = fencedUntil {
            if until <= now { actions += unfence() } else { actions.append(.armTimer(at: until)) }
        }
        var kept: [Held] = []
        for h in held[heldHead...] {
            if h.deadline <= now { actions.append(.reject(h.id, .startupTimeout)) } else { kept.append(h) }
        }
        held = kept
        heldHead = 0
        if let next = held.map({ $0.deadline }).min() { actions.append(.armTimer(at: next)) }
        if held.isEmpty && ready.isEmpty { waking = false }  // the next request tries a new wake
        return actions + syncProbes()
    }

    /// Probes exactly the starting and suspect endpoints that are not ready, while requests wait.
    mutating func syncProbes() -> [Action] {
        let wanted = heldCount > 0 ? starting.union(suspects).subtracting(ready) : []
        let order: (Endpoint, Endpoint) -> Bool = { "\($0)" < "\($1)" }
        let stop = probing.subtracting(wanted).sorted(by: order)
        let start = wanted.subtracting(probing).sorted(by: order)
        probing = wanted
        return stop.map { .stopProbing($0) } + start.map { .startProbing($0) }
    }

    mutating func wakeIfNeeded() -> [Action] {
        guard ready.isEmpty, !waking, fencedUntil == nil, heldCount > 0 else { return [] }
        waking = true
        wakeCount += 1
        return [.scaleUp]
    }

    /// The ready backend with the fewest admitted requests, if one has room.
    private func pickBackend() -> Endpoint? {
        guard fencedUntil == nil else { return nil }
        var best: (Endpoint, Int)?
        for ep in ready {
            let n = admitted[ep] ?? 0
            guard n < config.admitPerBackend else { continue }
            if best == nil || n < best!.1 || (n == best!.1 && "\(ep)" < "\(best!.0)") { best = (ep, n) }
        }
        return best?.0
    }

    mutating func release() -> [Action] {
        var actions: [Action] = []
        while heldCount > 0, let ep = pickBackend() {
            let h = held[heldHead]
            heldHead += 1
            admitted[ep, default: 0] += 1
            actions.append(.forward(h.id, to: ep))
        }
        if heldHead > 64, heldHead * 2 > held.count { held.removeFirst(heldHead); heldHead = 0 }
        if heldHead == held.count { held.removeAll(keepingCapacity: true); heldHead = 0 }
        return actions
    }
}
