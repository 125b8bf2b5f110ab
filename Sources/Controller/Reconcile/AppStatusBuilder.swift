import DozeJSON

/// What a reconcile learned about an App, before it becomes status.
public struct AppObservation: Sendable {
    public enum Verdict: Sendable, Equatable {
        case invalid(InvalidSpec)
        /// Another App (namespace/name) keeps this App's route.
        case routeConflict(String)
        case valid(url: String, scaleToZero: Bool)
    }

    public var verdict: Verdict
    /// The App's Deployment as the cache shows it (after our apply, if any).
    public var deployment: JSON?
    /// The replicas we rendered (when the Deployment is not there yet).
    public var desiredReplicas: Int

    public init(verdict: Verdict, deployment: JSON?, desiredReplicas: Int) {
        self.verdict = verdict
        self.deployment = deployment
        self.desiredReplicas = desiredReplicas
    }
}

/// Something that became true and is worth an Event.
public struct Transition: Sendable, Equatable {
    public var type: String  // Normal or Warning
    public var reason: String
    public var message: String
}

/// Computes an App's status (pure): the fields the controller owns, the conditions with their
/// transition times kept, and the Events the change calls for.
public enum AppStatusBuilder {
    public static let dependents = ["SpecValid", "RouteAdmitted", "ResourcesReady"]
    /// The status members the controller writes (lastActivityTime belongs to the sleep logic).
    public static let ownedFields = ["observedGeneration", "url", "state", "replicas", "readyReplicas", "conditions", "wakeCount"]

    public static func build(app: JSON, observation o: AppObservation, now: String) -> (status: JSON, events: [Transition]) {
        let old = app["status"]
        let generation = app[path: "metadata", "generation"].int
        var set = ConditionSet(dependents: dependents, existing: ConditionSet.parse(old["conditions"]))
        var status = JSON.emptyObject
        status["observedGeneration"] = generation.map(JSON.init) ?? .null
        let d = o.deployment
        let specReplicas = d.map { $0[path: "spec", "replicas"].int ?? 1 } ?? o.desiredReplicas
        let ready = d?[path: "status", "readyReplicas"].int ?? 0
        status["replicas"] = JSON(d?[path: "status", "replicas"].int ?? 0)
        status["readyReplicas"] = JSON(ready)
        switch o.verdict {
        case .invalid(let problems):
            set.set("SpecValid", .false, reason: InvalidSpec.reason, message: problems.description, generation: generation, now: now)
            if set["RouteAdmitted"] == nil {
                set.set("RouteAdmitted", .unknown, reason: InvalidSpec.reason, message: "the route is not checked while the spec is invalid", generation: generation, now: now)
            }
            set.set("ResourcesReady", .unknown, reason: InvalidSpec.reason, message: "children are left as they are while the spec is invalid", generation: generation, now: now)
            status["url"] = old["url"]
            status["state"] = "Failed"
        case .routeConflict(let other):
            set.set("SpecValid", .true, reason: "Valid", generation: generation, now: now)
            set.set("RouteAdmitted", .false, reason: "RouteConflict", message: "the route (host and path) is already taken by App \(other), which is older", generation: generation, now: now)
            set.set("ResourcesReady", .unknown, reason: "RouteConflict", message: "children are not applied while the route is refused", generation: generation, now: now)
            status["url"] = old["url"]
            status["state"] = "Failed"
        case .valid(let url, _):
            set.set("SpecValid", .true, reason: "Valid", generation: generation, now: now)
            set.set("RouteAdmitted", .true, reason: "Admitted", generation: generation, now: now)
            let r = resourcesReady(d, specReplicas: specReplicas, ready: ready)
            set.set("ResourcesReady", r.status, reason: r.reason, message: r.message, generation: generation, now: now)
            status["url"] = .string(url)
            status["state"] = .string(ready > 0 ? "Running" : specReplicas == 0 ? "Idle" : "Waking")
        }
        // A wake: replicas above zero on an App last recorded asleep (whoever scaled it up).
        let wakes = (old["wakeCount"].int ?? 0) + (old["state"] == "Idle" && specReplicas > 0 && status["state"] != "Failed" ? 1 : 0)
        if wakes > 0 || !old["wakeCount"].isNull { status["wakeCount"] = JSON(wakes) }
        status["conditions"] = set.json
        return (status, transitions(old: old, new: status))
    }

    /// Converged and able to serve: the Deployment has seen its spec, and either it is asleep (a
    /// request wakes it) or its rollout is complete with a ready replica.
    static func resourcesReady(_ d: JSON?, specReplicas: Int, ready: Int) -> (status: Condition.Status, reason: String, message: String) {
        guard let d else { return (.unknown, "Creating", "waiting for the Deployment") }
        let observed = d[path: "status", "observedGeneration"].int ?? 0
        if observed < d[path: "metadata", "generation"].int ?? 0 {
            return (.unknown, "Progressing", "the Deployment's latest spec is not yet observed")
        }
        if specReplicas == 0 { return (.true, "Asleep", "scaled to zero; the first request wakes it") }
        let updated = d[path: "status", "updatedReplicas"].int ?? 0
        let total = d[path: "status", "replicas"].int ?? 0
        if ready == 0 { return (.false, "Waking", "0 of \(specReplicas) replicas ready") }
        if updated < specReplicas || total > updated {
            return (.unknown, "Progressing", "rolling out: \(updated) of \(specReplicas) replicas updated")
        }
        return (.true, "Running", "\(ready) of \(specReplicas) replicas ready")
    }

    /// Whether the owned status members differ.
    public static func changed(old: JSON, new: JSON) -> Bool {
        ownedFields.contains { old[$0] != new[$0] }
    }

    /// Events: a refusal (invalid spec, route conflict) when it starts or its message changes,
    /// and each change of state otherwise.
    static func transitions(old: JSON, new: JSON) -> [Transition] {
        var out: [Transition] = []
        let before = ConditionSet.parse(old["conditions"]), after = ConditionSet.parse(new["conditions"])
        func cond(_ list: [Condition], _ t: String) -> Condition? { list.first { $0.type == t } }
        for t in ["SpecValid", "RouteAdmitted"] {
            guard let a = cond(after, t), a.status == .false else { continue }
            let b = cond(before, t)
            if b?.status != .false || b?.message != a.message || b?.reason != a.reason {
                out.append(Transition(type: "Warning", reason: a.reason, message: a.message))
            }
        }
        if (new["wakeCount"].int ?? 0) > (old["wakeCount"].int ?? 0) {
            out.append(Transition(type: "Normal", reason: "Woken", message: "scaled up from zero"))
        }
        let state = new["state"].string ?? ""
        if state != old["state"].string, state != "Failed" {
            out.append(Transition(type: "Normal", reason: state, message: stateMessage(state, new)))
        }
        return out
    }

    static func stateMessage(_ state: String, _ status: JSON) -> String {
        switch state {
        case "Running": return "\(status["readyReplicas"].int ?? 0) replica(s) ready"
        case "Idle": return "asleep at 0 replicas; the first request wakes it"
        case "Waking": return "waiting for a replica to become ready"
        default: return state
        }
    }
}
