import DozeJSON

/// What a workload controller wants done to the store. Controllers are pure: they read observed
/// objects and return these; a thin service applies them.
public enum WorkloadAction: Sendable, Equatable {
    /// Create this object (a Pod or an EndpointSlice), its name already chosen.
    case create(JSON)
    /// Replace this object (its metadata.resourceVersion is the one observed).
    case update(JSON)
    /// Write this object's status through the status subresource.
    case updateStatus(JSON)
    /// Delete an object by kind, namespace and name; `uid` as a precondition when known.
    case delete(kind: String, namespace: String, name: String, uid: String?)
}

/// A controller's decision for one object: actions, and when to look again if nothing changes
/// before then (a pod becoming available after minReadySeconds, a progress deadline).
public struct WorkloadDecision: Sendable, Equatable {
    public var actions: [WorkloadAction] = []
    public var requeueAfter: Double?
    /// Events to report about what the actions do ("Scaled up replica set web-5d4f8b7c9 to 2").
    public var events: [WorkloadEvent] = []

    public init(actions: [WorkloadAction] = [], requeueAfter: Double? = nil, events: [WorkloadEvent] = []) {
        self.actions = actions
        self.requeueAfter = requeueAfter
        self.events = events
    }

    mutating func requeue(after seconds: Double) {
        requeueAfter = min(requeueAfter ?? seconds, seconds)
    }
}

/// Random name suffixes the way the API server's generateName makes them: five characters from
/// an alphabet without vowels or look-alikes.
public enum NameSuffix {
    public static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    public static func random(length: Int = 5) -> String {
        String((0..<length).map { _ in alphabet.randomElement()! })
    }
}
