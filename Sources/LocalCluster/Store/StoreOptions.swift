import DozeJSON

/// How a delete proceeds for dependents (kube's `propagationPolicy`).
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// The parts of `DeleteOptions` the store honours.
public struct DeleteOptions: Sendable {
    public var propagationPolicy: PropagationPolicy?
    /// nil: the kind's default (pods: `spec.terminationGracePeriodSeconds`, else 30).
    public var gracePeriodSeconds: Int?
    public var preconditionUID: String?
    public var preconditionResourceVersion: String?
    public var dryRun = false

    public init(propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int? = nil,
                preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, dryRun: Bool = false) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.dryRun = dryRun
    }
}

/// What a delete did.
public enum DeleteResult: Sendable, Equatable {
    /// The object is gone; this is its last state.
    case deleted(JSON)
    /// The object stays, marked with deletionTimestamp, until finalizers or its grace period end.
    case pending(JSON)

    public var object: JSON {
        switch self {
        case .deleted(let o), .pending(let o): return o
        }
    }
}

/// Which part of an object a write may change.
public enum WriteTarget: Sendable {
    /// The main resource: status is kept as stored when the kind has a status subresource.
    case main
    /// `/status`: only status changes.
    case status
    /// `/finalize` of a namespace: only `spec.finalizers` changes.
    case finalize
}

/// A page of a list.
public struct ObjectList: Sendable {
    public var items: [JSON]
    /// The store's revision when the list was taken.
    public var resourceVersion: String
    /// Opaque token for the next page, when `limit` cut the list short.
    public var continueToken: String?
    public var remainingItemCount: Int?
}

/// Options of a list.
public struct ListOptions: Sendable {
    public var namespace: String?
    public var labelSelector: LabelSelector
    public var fieldSelector: FieldSelector
    public var limit: Int?
    public var continueToken: String?

    public init(namespace: String? = nil, labelSelector: LabelSelector = .everything,
                fieldSelector: FieldSelector = .everything, limit: Int? = nil, continueToken: String? = nil) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
    }
}
