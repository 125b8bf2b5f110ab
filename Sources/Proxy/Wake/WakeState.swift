import HTTPCore

/// What an `AppRuntime` does after a machine step, decided under its lock and performed after.
enum WakeEffect {
    case forward(HeldHandle, Upstream)
    /// The machine released a request whose client had already left: give its slot back.
    case lostForward(Upstream)
    case reject(HeldHandle, AppRuntime.Machine.RejectCause)
    case scaleUp(replicas: Int)
    case startProbe(HealthProbe)
    case stopProbe(HealthProbe)
    case timer(afterNanos: Int64)
}

/// The wake shell's state behind its mutex: the machine, the requests it holds (by id), the
/// App's latest slice content, fence bookkeeping and running probes.
struct WakeState {
    var machine: AppRuntime.Machine
    var settings: WakeSettings
    var held: [Int: HeldHandle] = [:]
    private var nextID = 0
    /// The latest observation, before exclusions.
    var ready: Set<Upstream> = []
    var starting: Set<Upstream> = []
    var present: [Upstream: String] = [:]
    var exclusions = EndpointExclusions<Upstream>()
    /// The endpoints known when the current fence went up.
    var fencePresent: [Upstream: String]?
    var probes: [Upstream: HealthProbe] = [:]
    /// Arrival of the request that started the current wake (for the duration histogram).
    var wakeStartNanos: Int?
    var makeProbe: ((Upstream, String) -> HealthProbe)?
    /// The earliest timer already scheduled: a later one is not scheduled beside it, since every
    /// tick re-arms what is still due (held deadlines, the fence, exclusion expiry).
    var timerAt: Duration?

    init(settings: WakeSettings, queueCapacity: Int) {
        self.settings = settings
        machine = AppRuntime.Machine(config: .init(queueCapacity: queueCapacity, startupTimeout: settings.startupTimeout))
    }

    mutating func register(_ h: HeldHandle) -> Int {
        nextID += 1
        held[nextID] = h
        h.held(id: nextID)
        return nextID
    }

    mutating func observe(ready r: Set<Upstream>, info: AppRouteInfo, now: Duration) -> [AppRuntime.Machine.Action] {
        if info.wake != settings {
            settings = info.wake
            machine.config.startupTimeout = settings.startupTimeout
        }
        let starting = Set(info.starting)
        let changed = r != ready || starting != self.starting || info.present != present
        ready = r
        self.starting = starting
        present = info.present
        let expired = exclusions.expire(present: present, now: now)
        guard changed || expired else { return [] }
        return reobserve()
    }

    /// Feeds the machine the latest endpoints minus the excluded ones.
    mutating func reobserve() -> [AppRuntime.Machine.Action] {
        let excluded = exclusions.endpoints
        return machine.endpointsObserved(ready: ready.subtracting(excluded), starting: starting.subtracting(excluded))
    }

    /// Turns machine actions into effects; held requests leave the table here, under the lock.
    mutating func effects(for actions: [AppRuntime.Machine.Action], nowNanos: Int) -> [WakeEffect] {
        var out: [WakeEffect] = []
        for a in actions {
            switch a {
            case .forward(let id, let ep):
                if let h = held.removeValue(forKey: id) { out.append(.forward(h, ep)) } else { out.append(.lostForward(ep)) }
            case .reject(let id, let cause):
                if let h = held.removeValue(forKey: id) { out.append(.reject(h, cause)) }
                // A wake that timed out is over: a later success must not be timed from it.
                if cause == .startupTimeout && machine.heldCount == 0 { wakeStartNanos = nil }
            case .scaleUp:
                wakeStartNanos = held.values.map(\.arrivalNanos).min() ?? nowNanos
                out.append(.scaleUp(replicas: settings.minReplicas))
            case .startProbing(let ep):
                guard probes[ep] == nil, let probe = makeProbe?(ep, settings.healthPath) else { continue }
                probes[ep] = probe
                out.append(.startProbe(probe))
            case .stopProbing(let ep):
                if let p = probes.removeValue(forKey: ep) { out.append(.stopProbe(p)) }
            case .armTimer(let at):
                let now = Duration.nanoseconds(nowNanos)
                if let pending = timerAt, pending > now, pending <= at { continue }
                timerAt = at
                let ns = at.components.seconds * 1_000_000_000 + at.components.attoseconds / 1_000_000_000
                out.append(.timer(afterNanos: ns - Int64(nowNanos)))
            }
        }
        return out
    }
}
