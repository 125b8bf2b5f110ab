import DozeJSON

/// Options of a list (and of a delete-collection, which selects the same way).
public struct ListOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size; the server may ignore it and return everything.
    public var limit: Int?
    /// The `metadata.continue` token of the previous page.
    public var continueToken: String?
    /// nil: most recent (a consistent read); "0": any, possibly stale; "N": not older than N.
    public var resourceVersion: String?
    /// `NotOlderThan` or `Exact`; only valid with a resourceVersion.
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil,
                resourceVersionMatch: String? = nil, timeoutSeconds: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [QueryItem] {
        var q: [QueryItem] = []
        if let labelSelector { q.append(QueryItem("labelSelector", labelSelector)) }
        if let fieldSelector { q.append(QueryItem("fieldSelector", fieldSelector)) }
        if let limit { q.append(QueryItem("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { q.append(QueryItem("continue", continueToken)) }
        if let resourceVersion { q.append(QueryItem("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { q.append(QueryItem("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { q.append(QueryItem("timeoutSeconds", String(timeoutSeconds))) }
        return q
    }
}

/// Options of a watch.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this revision (from a list or the last event); nil or "0" replays the
    /// current state as ADDED events first.
    public var resourceVersion: String?
    public var allowWatchBookmarks: Bool
    /// The server ends the stream cleanly after this long. Also sets the client's idle timeout
    /// (this plus `idleMargin`): URLSession's request timeout fires on silence, so a watch must
    /// allow longer silence than the server's own deadline.
    public var timeoutSeconds: Int?

    /// Seconds of silence allowed past `timeoutSeconds` before the client drops the stream.
    public static let idleMargin = 30
    /// Idle timeout of a watch with no `timeoutSeconds` (the server picks 30–60 min then; with
    /// bookmarks it sends one about every minute).
    public static let defaultIdleTimeout = 330

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
                allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = 290) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [QueryItem] {
        var q = [QueryItem("watch", "true")]
        if let labelSelector { q.append(QueryItem("labelSelector", labelSelector)) }
        if let fieldSelector { q.append(QueryItem("fieldSelector", fieldSelector)) }
        if let resourceVersion { q.append(QueryItem("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { q.append(QueryItem("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { q.append(QueryItem("timeoutSeconds", String(timeoutSeconds))) }
        return q
    }

    var idleTimeout: Double {
        Double(timeoutSeconds.map { $0 + Self.idleMargin } ?? Self.defaultIdleTimeout)
    }
}

/// Options of create, replace and non-apply patches.
public struct WriteOptions: Sendable, Hashable {
    public var fieldManager: String?
    public var dryRun: Bool
    /// `Ignore`, `Warn` or `Strict`.
    public var fieldValidation: String?

    public init(fieldManager: String? = nil, dryRun: Bool = false, fieldValidation: String? = nil) {
        self.fieldManager = fieldManager
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
    }

    var queryItems: [QueryItem] {
        var q: [QueryItem] = []
        if dryRun { q.append(QueryItem("dryRun", "All")) }
        if let fieldManager { q.append(QueryItem("fieldManager", fieldManager)) }
        if let fieldValidation { q.append(QueryItem("fieldValidation", fieldValidation)) }
        return q
    }
}

/// A patch; the case picks the Content-Type and so the server's algorithm.
public enum Patch: Sendable, Hashable {
    /// RFC 7386: objects merge, `null` deletes, arrays are replaced whole.
    case merge(JSON)
    /// RFC 6902 operations (`[{"op":"replace","path":"/spec/replicas","value":2}]`).
    case json([JSON])
    /// Strategic merge patch: built-in kinds only (custom resources answer 415).
    case strategic(JSON)
    /// Server-side apply of the caller's full intent. `force` takes fields other managers own.
    case apply(JSON, fieldManager: String, force: Bool = false)

    var contentType: String {
        switch self {
        case .merge: return PatchContentType.merge
        case .json: return PatchContentType.json
        case .strategic: return PatchContentType.strategic
        case .apply: return PatchContentType.apply
        }
    }

    /// JSON is valid YAML, so an apply body is the same compact JSON as the others.
    var body: [UInt8] {
        switch self {
        case .merge(let j), .strategic(let j), .apply(let j, _, _): return j.serializedBytes()
        case .json(let ops): return JSON.array(ops).serializedBytes()
        }
    }
}

/// Preconditions of a delete: the server answers 409 if the object no longer matches.
public struct Preconditions: Sendable, Hashable {
    public var uid: String?
    public var resourceVersion: String?
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

public enum PropagationPolicy: String, Sendable, Hashable {
    case orphan = "Orphan", background = "Background", foreground = "Foreground"
}

/// Options of delete and delete-collection.
public struct DeleteOptions: Sendable, Hashable {
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int?
    public var preconditions: Preconditions?
    public var dryRun: Bool

    public init(propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int? = nil,
                preconditions: Preconditions? = nil, dryRun: Bool = false) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditions = preconditions
        self.dryRun = dryRun
    }

    var isEmpty: Bool { self == DeleteOptions() }

    /// The DeleteOptions body, as kubectl sends it. The API server reads the policy and grace
    /// period from the query too, but preconditions only from the body.
    var body: JSON {
        var o: JSON = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagationPolicy { o["propagationPolicy"] = JSON(propagationPolicy.rawValue) }
        if let gracePeriodSeconds { o["gracePeriodSeconds"] = JSON(gracePeriodSeconds) }
        if let p = preconditions {
            var pre = JSON.emptyObject
            if let uid = p.uid { pre["uid"] = JSON(uid) }
            if let rv = p.resourceVersion { pre["resourceVersion"] = JSON(rv) }
            o["preconditions"] = pre
        }
        if dryRun { o["dryRun"] = JSON(["All"]) }
        return o
    }
}
