import DozeJSON

/// A `metav1.Condition`.
public struct Condition: Sendable, Equatable {
    public enum Status: String, Sendable { case `true` = "True", `false` = "False", unknown = "Unknown" }

    public var type: String
    public var status: Status
    public var reason: String
    public var message: String
    public var observedGeneration: Int?
    /// RFC 3339; moves only when `status` changes.
    public var lastTransitionTime: String

    public init(type: String, status: Status, reason: String, message: String = "",
                observedGeneration: Int? = nil, lastTransitionTime: String = "") {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }

    public init?(json: JSON) {
        guard let type = json["type"].string, let s = json["status"].string.flatMap(Status.init) else { return nil }
        self.init(type: type, status: s, reason: json["reason"].string ?? "", message: json["message"].string ?? "",
                  observedGeneration: json["observedGeneration"].int,
                  lastTransitionTime: json["lastTransitionTime"].string ?? "")
    }

    public var json: JSON {
        var o: JSON = ["type": .string(type), "status": .string(status.rawValue), "reason": .string(reason),
                       "message": .string(message), "lastTransitionTime": .string(lastTransitionTime)]
        if let g = observedGeneration { o["observedGeneration"] = JSON(g) }
        return o
    }
}

/// A set of conditions with one "happy" condition (Ready) that aggregates the others, as
/// Knative's ConditionSet does: Ready is True only when every dependent is True; otherwise it
/// carries the reason and message of the first dependent that is False (else Unknown).
public struct ConditionSet: Sendable, Equatable {
    public let happy: String
    public let dependents: [String]
    public private(set) var conditions: [Condition]

    public init(happy: String = "Ready", dependents: [String], existing: [Condition] = []) {
        self.happy = happy
        self.dependents = dependents
        self.conditions = existing
    }

    public subscript(type: String) -> Condition? { conditions.first { $0.type == type } }

    /// Sets a condition; `lastTransitionTime` becomes `now` only when the status changed.
    public mutating func set(_ type: String, _ status: Condition.Status, reason: String, message: String = "",
                             generation: Int?, now: String) {
        var c = Condition(type: type, status: status, reason: reason, message: message,
                          observedGeneration: generation, lastTransitionTime: now)
        if let i = conditions.firstIndex(where: { $0.type == type }) {
            if conditions[i].status == status { c.lastTransitionTime = conditions[i].lastTransitionTime }
            conditions[i] = c
        } else {
            conditions.append(c)
        }
        if type != happy { recomputeHappy(generation: generation, now: now) }
    }

    private mutating func recomputeHappy(generation: Int?, now: String) {
        let deps = dependents.map { self[$0] }
        if let bad = deps.compactMap({ $0 }).first(where: { $0.status == .false }) {
            set(happy, .false, reason: bad.reason, message: bad.message, generation: generation, now: now)
        } else if deps.allSatisfy({ $0?.status == .true }) {
            set(happy, .true, reason: "Ready", message: "", generation: generation, now: now)
        } else {
            let pending = deps.enumerated().first { $0.element?.status != .true }
            let c = pending?.element
            set(happy, .unknown, reason: c?.reason ?? "Pending",
                message: c?.message ?? "waiting for \(dependents[pending?.offset ?? 0])",
                generation: generation, now: now)
        }
    }

    /// Conditions in a stable order (happy first, then dependents, then any others) for status.
    public var json: JSON {
        let order = [happy] + dependents
        let sorted = conditions.sorted { a, b in
            (order.firstIndex(of: a.type) ?? order.count, a.type) < (order.firstIndex(of: b.type) ?? order.count, b.type)
        }
        return .array(sorted.map(\.json))
    }

    public static func parse(_ json: JSON) -> [Condition] { (json.array ?? []).compactMap(Condition.init(json:)) }
}
