import DozeJSON

/// A container probe as kubelet reads it, with kubelet's defaults, its port resolved against the
/// container's named ports.
struct Probe: Sendable, Equatable {
    enum Action: Sendable, Equatable {
        case httpGet(scheme: String, host: String?, port: Int, path: String, headers: [(String, String)])
        case tcpSocket(host: String?, port: Int)
        case exec([String])
        case unsupported(String)

        static func == (a: Action, b: Action) -> Bool { String(describing: a) == String(describing: b) }
    }

    var action: Action
    var initialDelaySeconds = 0
    var periodSeconds = 10
    var timeoutSeconds = 1
    var successThreshold = 1
    var failureThreshold = 3

    /// nil when the container has no such probe.
    init?(_ json: JSON, container: JSON) {
        guard json.object != nil else { return nil }
        action = Self.action(json, container: container)
        initialDelaySeconds = max(0, json["initialDelaySeconds"].int ?? 0)
        periodSeconds = max(1, json["periodSeconds"].int ?? 10)
        timeoutSeconds = max(1, json["timeoutSeconds"].int ?? 1)
        successThreshold = max(1, json["successThreshold"].int ?? 1)
        failureThreshold = max(1, json["failureThreshold"].int ?? 3)
    }

    init(action: Action) { self.action = action }

    private static func action(_ json: JSON, container: JSON) -> Action {
        let http = json["httpGet"]
        if !http.isNull {
            guard let port = resolvePort(http["port"], container: container) else {
                return .unsupported("port \(http["port"].serialized()) not found in container ports")
            }
            let headers = (http["httpHeaders"].array ?? []).compactMap { h -> (String, String)? in
                guard let n = h["name"].string else { return nil }
                return (n, h["value"].string ?? "")
            }
            return .httpGet(scheme: (http["scheme"].string ?? "HTTP").uppercased(), host: http["host"].string,
                            port: port, path: http["path"].string ?? "/", headers: headers)
        }
        let tcp = json["tcpSocket"]
        if !tcp.isNull {
            guard let port = resolvePort(tcp["port"], container: container) else {
                return .unsupported("port \(tcp["port"].serialized()) not found in container ports")
            }
            return .tcpSocket(host: tcp["host"].string, port: port)
        }
        if let command = json[path: "exec", "command"].array?.compactMap(\.string) {
            return .exec(command)
        }
        if !json["grpc"].isNull { return .unsupported("grpc probes are not supported by this runtime") }
        return .unsupported("probe has no handler")
    }

    /// A number, a numeric string, or the name of one of the container's ports (IANA_SVC_NAME).
    static func resolvePort(_ value: JSON, container: JSON) -> Int? {
        if let n = value.int { return n }
        guard let s = value.string else { return nil }
        if let n = Int(s) { return n }
        for port in container["ports"].array ?? [] where port["name"].string == s {
            return port["containerPort"].int
        }
        return nil
    }
}

/// The result of one probe attempt, as kubelet's prober classifies it.
enum ProbeOutcome: Sendable, Equatable {
    case success
    case failure(String)
}

/// One probe's running verdict, kubelet's way: an initial value (liveness passes, readiness fails,
/// startup is unknown) that changes only after `successThreshold` consecutive successes or
/// `failureThreshold` consecutive failures.
struct ProbeTracker: Sendable, Equatable {
    enum Kind: String, Sendable { case readiness, liveness, startup }

    let kind: Kind
    let probe: Probe
    /// nil while unknown (a startup probe that has not decided yet).
    private(set) var verdict: Bool?
    private var lastResult: Bool?
    private var run = 0
    private(set) var lastFailure: String?

    init(kind: Kind, probe: Probe) {
        self.kind = kind
        self.probe = probe
        switch kind {
        case .liveness: verdict = true
        case .readiness: verdict = false
        case .startup: verdict = nil
        }
    }

    var passing: Bool { verdict == true }

    /// Records one attempt; returns true when the verdict changed.
    mutating func record(_ outcome: ProbeOutcome) -> Bool {
        let success = outcome == .success
        if case .failure(let message) = outcome { lastFailure = message }
        if lastResult == success { run += 1 } else { lastResult = success; run = 1 }
        let needed = success ? probe.successThreshold : probe.failureThreshold
        guard run >= needed, verdict != success else { return false }
        verdict = success
        return true
    }

    /// Seconds after the container started at which attempt number `n` (from 0) is due. kubelet's
    /// probe worker ticks every period from the start and skips ticks inside the initial delay, so
    /// the first real attempt is the first tick at or after `initialDelaySeconds`.
    func dueOffset(attempt n: Int) -> Int {
        let period = probe.periodSeconds
        let firstTick = (probe.initialDelaySeconds + period - 1) / period
        return (firstTick + n) * period
    }
}
