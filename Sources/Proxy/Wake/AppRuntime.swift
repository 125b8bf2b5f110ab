import Dispatch
import HTTPCore
import Synchronization

/// Everything this proxy replica keeps for one App across route snapshots: its activity cell
/// (fed by the data path) and its wake shell — a `WakeMachine` behind a mutex, shared by every
/// event loop, whose actions this class executes (scale up, probe, forward a held request on its
/// own loop, answer 503, arm a timer). The warm path reads one atomic (`divertsRequests`) and
/// never takes the mutex: only requests that find no ready endpoint, or arrive while something
/// is queued or a fence is up, or whose upstream connection failed, come here.
public final class AppRuntime: Sendable {
    public typealias Machine = WakeMachine<Int, Upstream>
    public let key: String
    public let namespace: String
    public let name: String
    public let activity: AppActivityCell
    let deps: WakeDependencies
    let state: Mutex<WakeState>
    private let divert = Atomic<Bool>(false)

    init(info: AppRouteInfo, activity: AppActivityCell, deps: WakeDependencies) {
        key = info.key
        namespace = info.namespace
        name = info.name
        self.activity = activity
        self.deps = deps
        var initial = WakeState(settings: info.wake, queueCapacity: deps.queueCapacity)
        initial.machine.config.admitPerBackend = deps.admitPerBackend
        state = Mutex(initial)
        let loop = deps.probeLoop
        state.withLock { s in
            s.makeProbe = { [weak self] ep, path in
                let owner = WeakRuntime(self)
                return HealthProbe(endpoint: ep, path: path, loop: loop) { owner.value?.probeSucceeded(ep) }
            }
        }
    }

    /// True when requests must come through the wake path (read on the hot path: one atomic load).
    @inline(__always)
    var divertsRequests: Bool { divert.load(ordering: .relaxed) }

    public var heldCount: Int { state.withLock { $0.machine.heldCount } }

    // MARK: events from the data path

    /// A request with nowhere to go yet: held, forwarded by the machine, or rejected.
    func arrived(_ request: HeldHandle) {
        step { s, now in
            let id = s.register(request)
            return s.machine.requestArrived(id, now: now)
        }
    }

    /// Connecting to `ep` failed before anything was sent (or a bodiless GET/HEAD saw the upstream
    /// close before any response byte): held again, and the App woken if it has no backend.
    func connectFailed(_ request: HeldHandle, on ep: Upstream) {
        step { s, now in
            let id = s.register(request)
            return s.machine.connectFailed(id, on: ep, now: now)
        }
    }

    /// A request the machine forwarded ended: admission makes room for the next held one.
    func finished(on ep: Upstream) { step { s, _ in s.machine.requestFinished(on: ep) } }

    /// A held request's client went away.
    func cancelled(_ id: Int) {
        step { s, _ in
            s.held[id] = nil
            return s.machine.requestCancelled(id)
        }
    }

    /// The first response byte of a request released by a wake: the wake's duration ends here.
    func firstResponseByte(now: Int) {
        guard let started = state.withLock({ s -> Int? in defer { s.wakeStartNanos = nil }; return s.wakeStartNanos }) else { return }
        deps.metrics.observeWake(seconds: Double(now - started) / 1e9)
    }

    // MARK: events from routes, probes, timers, the admin API

    /// A route snapshot was published: this App's ready endpoints and slice content.
    func observe(ready: [Upstream], info: AppRouteInfo) {
        step { s, now in s.observe(ready: Set(ready), info: info, now: now) }
    }

    func probeSucceeded(_ ep: Upstream) { step { s, _ in s.machine.probeSucceeded(ep) } }

    func tick() {
        step { s, now in
            s.timerAt = nil  // this tick re-arms whatever is still due
            var actions: [Machine.Action] = []
            if s.exclusions.expire(present: s.present, now: now) { actions += s.reobserve() }
            if let t = s.exclusions.nextExpiry { actions.append(.armTimer(at: t)) }
            return actions + s.machine.tick(now: now)
        }
    }

    /// Contract §3 `/fence`: hold new requests for `ttl`; remember the endpoints known now.
    func fence(ttl: Duration) {
        step { s, now in
            s.fencePresent = s.present
            return s.machine.fence(until: now + ttl)
        }
    }

    /// Contract §3 `/unfence`: `slept` excludes the endpoints known at fence time.
    func unfence(slept: Bool) {
        step { s, now in
            var actions: [Machine.Action] = []
            if slept {
                s.exclusions.exclude(s.fencePresent ?? s.present, now: now)
                actions += s.reobserve()
                if let t = s.exclusions.nextExpiry { actions.append(.armTimer(at: t)) }
            }
            s.fencePresent = nil
            return actions + s.machine.unfence()
        }
    }

    // MARK: the shell

    /// Runs `body` on the machine under the lock, turns its actions into effects (taking held
    /// requests out of the table while still locked), then performs the effects unlocked.
    private func step(_ body: (inout WakeState, Duration) -> [Machine.Action]) {
        let now = monotonicNanos()
        let effects: [WakeEffect] = state.withLock { s in
            let actions = body(&s, .nanoseconds(now))
            let effects = s.effects(for: actions, nowNanos: now)
            divert.store(s.machine.divertsRequests || !s.exclusions.isEmpty, ordering: .relaxed)
            return effects
        }
        for e in effects { perform(e) }
    }

    private func perform(_ effect: WakeEffect) {
        switch effect {
        case .forward(let h, let ep): h.forward(to: ep, runtime: self)
        case .lostForward(let ep): finished(on: ep)  // its client left while it was being released
        case .reject(let h, let cause):
            deps.metrics.rejected(cause)
            h.reject(cause, startupTimeout: state.withLock { $0.settings.startupTimeout })
        case .scaleUp(let replicas):
            deps.metrics.wakeStarted()
            Task { await self.scale(replicas: replicas) }
        case .startProbe(let probe): probe.start()
        case .stopProbe(let probe): probe.stop()
        case .timer(let afterNanos):
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(max(afterNanos, 0)) + 1_000_000)) {
                [weak self] in self?.tick()
            }
        }
    }

    /// Scale 0 → min, retried with backoff while requests are still held (API server down,
    /// Deployment not created yet). One call per wake when it succeeds.
    private func scale(replicas: Int) async {
        var delay = 0.2
        while true {
            do {
                try await deps.scaler.scaleUp(namespace: namespace, name: name, replicas: replicas)
                return
            } catch {
                ProxyLog.line("waking \(key): scale to \(replicas) failed: \(error) (retrying in \(delay)s while requests wait)")
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 5)
            if heldCount == 0 { return }
        }
    }
}

/// What a wake shell needs from the process: the scaler, where to probe from, metrics.
struct WakeDependencies: Sendable {
    let scaler: any AppScaler
    let probeLoop: EventLoop
    let metrics: WakeMetrics
    let queueCapacity: Int
    let admitPerBackend: Int
}

/// A weak reference that can cross threads (probes must not keep a runtime alive).
final class WeakRuntime: Sendable {
    private let ref: Mutex<AppRuntimeRef>
    init(_ r: AppRuntime?) { ref = Mutex(AppRuntimeRef(value: r)) }
    var value: AppRuntime? { ref.withLock { $0.value } }
}

struct AppRuntimeRef { weak var value: AppRuntime? }
