import DozeJSON
import Foundation
import KubeClient

/// The shell around `LeaderElector`: reads and writes the `coordination.k8s.io/v1` Lease every
/// retry period and reports each change of leadership. A leader that cannot renew within the
/// renew deadline steps down (before anyone else may take over); on cancellation a leader
/// releases the Lease so that a follower takes over at once.
public final class LeaseElection: Sendable {
    private let api: Api<DynamicObject>
    private let name: String
    public let config: LeaderElectionConfig
    private let clock: RuntimeClock
    private let wallNow: @Sendable () -> Date

    public init(client: KubeClient, namespace: String, name: String = "doze-controller", config: LeaderElectionConfig,
                clock: RuntimeClock = .continuous, wallNow: @escaping @Sendable () -> Date = { Date() }) {
        api = client.dynamicApi(.lease, namespace: namespace)
        self.name = name
        self.config = config
        self.clock = clock
        self.wallNow = wallNow
    }

    /// Runs until cancelled, calling `onChange(true)` on becoming leader and `onChange(false)` on
    /// losing it (also at the end, if leading).
    public func run(_ onChange: @Sendable (Bool) async -> Void) async {
        var leading = false
        var lastRenew = Duration.zero
        var observed: (record: LeaseRecord?, at: Duration)? = nil
        while !Task.isCancelled {
            let now = clock.now()
            // Each round runs to its end outside our cancellation: a Lease write cut off half way
            // leaves us unsure whether we hold it (see the report on KubeClient and cancellation).
            let seen = observed
            let round = await Task { await self.attempt(seen, now: now) }.value
            observed = round.observed
            let wrote = round.wrote
            if wrote { lastRenew = now }
            let stillLeader = wrote || (leading && !LeaderElector.mustStepDown(lastRenew: lastRenew, now: now, config: config)
                                        && observed?.record?.holderIdentity == config.identity)
            if stillLeader != leading {
                leading = stillLeader
                await onChange(leading)
            }
            do { try await clock.sleep(for: config.retryPeriod) } catch { break }
        }
        if leading {
            await Task { await self.release() }.value
            await onChange(false)
        }
    }

    /// One round: read, decide, write. Returns whether we now hold the Lease.
    private func attempt(_ seen: (record: LeaseRecord?, at: Duration)?, now: Duration) async
        -> (wrote: Bool, observed: (record: LeaseRecord?, at: Duration)?)
    {
        var observed = seen
        let current: DynamicObject?
        do { current = try await api.getIfExists(name) } catch { return (false, observed) }
        let record = current.map { Self.record(of: $0.json) }
        if observed == nil || observed?.record != record { observed = (record, now) }
        let decision = LeaderElector.decide(current: record, observedAt: observed?.at ?? now, now: now,
                                            wallNow: KubeTime.formatMicro(wallNow()), config: config)
        guard case .write(let next) = decision else { return (false, observed) }
        do {
            if let current {
                var obj = current.json
                obj["spec"] = Self.spec(next)
                _ = try await api.replace(DynamicObject(json: obj))
            } else {
                let obj: JSON = ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                                 "metadata": ["name": .string(name)], "spec": Self.spec(next)]
                _ = try await api.create(DynamicObject(json: obj))
            }
            return (true, (next, now))
        } catch {
            return (false, observed)  // someone else wrote first (409) or the API failed: next round
        }
    }

    /// Gives the Lease up (holder cleared), as client-go's ReleaseOnCancel does.
    private func release() async {
        guard let current = try? await api.getIfExists(name),
              current.json[path: "spec", "holderIdentity"].string == config.identity else { return }
        var obj = current.json
        obj[path: "spec", "holderIdentity"] = .null
        obj[path: "spec", "leaseDurationSeconds"] = 1
        _ = try? await api.replace(DynamicObject(json: obj))
    }

    static func record(of lease: JSON) -> LeaseRecord {
        let s = lease["spec"]
        return LeaseRecord(holderIdentity: s["holderIdentity"].string, leaseDurationSeconds: s["leaseDurationSeconds"].int ?? 15,
                           acquireTime: s["acquireTime"].string, renewTime: s["renewTime"].string,
                           leaseTransitions: s["leaseTransitions"].int ?? 0)
    }

    static func spec(_ r: LeaseRecord) -> JSON {
        var s: JSON = ["leaseDurationSeconds": JSON(r.leaseDurationSeconds), "leaseTransitions": JSON(r.leaseTransitions)]
        if let h = r.holderIdentity { s["holderIdentity"] = .string(h) }
        if let a = r.acquireTime { s["acquireTime"] = .string(a) }
        if let t = r.renewTime { s["renewTime"] = .string(t) }
        return s
    }
}
