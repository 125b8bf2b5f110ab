/// The `doze proxy` flags, parsed without I/O (reading the routes file is the caller's job).
public struct ProxyOptions: Sendable, Equatable {
    public var bindHost = "127.0.0.1"
    public var port = 8080
    public var adminPort = 8081
    public var staticRoutes: String?
    /// Routes from App objects through this kubeconfig (in-cluster config when neither this
    /// nor `staticRoutes` is given).
    public var kubeconfig: String?
    public var context: String?
    /// Namespaces whose Apps are routed; empty means all.
    public var namespaces: [String] = []
    /// This replica's name in `/activity` and `/fence` answers (default: env POD_NAME, else hostname-pid).
    public var replicaID: String?
    public var trustedProxies: [CIDR] = []
    /// Event loops; 0 means one per core.
    public var loops = 0
    /// Seconds allowed for a client to send a complete request head (slowloris).
    public var headerTimeout: Double = 10
    /// Seconds an idle keep-alive client connection is kept open.
    public var idleTimeout: Double = 75
    public var connectTimeout: Double = 5
    /// Seconds from the request's end to the upstream's response head.
    public var responseTimeout: Double = 60
    /// Seconds in-flight requests get to finish after SIGTERM.
    public var shutdownGrace: Double = 25
    /// Requests one sleeping App may hold while it wakes; beyond it a request gets 503 at once.
    public var wakeQueue = 1000
    /// Held requests a just-started backend is sent at once (more follow as these finish), so a
    /// burst that queued during a cold start does not land on a process still warming up.
    public var wakeAdmit = 8

    public init() {}

    /// Whether Apps are routed: with a kubeconfig, or in-cluster when no static routes are given.
    public var routesApps: Bool { kubeconfig != nil || staticRoutes == nil }

    public static let usage = """
        usage: doze proxy --port PORT --admin-port PORT [--static-routes FILE] [--trusted-proxies CIDR,...]
                          [--kubeconfig PATH] [--context NAME] [--namespace NS]... [--replica-id ID]
                          [--loops N] [--bind ADDRESS] [--header-timeout S] [--idle-timeout S]
                          [--connect-timeout S] [--response-timeout S] [--shutdown-grace S]
                          [--wake-queue N] [--wake-admit N]
          Apps are routed from the cluster given by --kubeconfig, or from the in-cluster config when
          neither --kubeconfig nor --static-routes is given; static routes work beside them.
          Ports may be 0: the bound ports are printed as "proxy listening on HOST:PORT" and
          "admin listening on HOST:PORT".
          --wake-queue: requests held per sleeping App while it wakes (default 1000; then 503).
          --wake-admit: held requests sent to a just-started backend at once (default 8).
        """

    public static func parse(_ args: [String]) throws(ProxyOptionsError) -> ProxyOptions {
        var o = ProxyOptions()
        var i = 0
        func value(_ flag: String) throws(ProxyOptionsError) -> String {
            i += 1
            guard i < args.count else { throw ProxyOptionsError("\(flag) needs a value") }
            return args[i]
        }
        func port(_ flag: String) throws(ProxyOptionsError) -> Int {
            let v = try value(flag)
            guard let p = Int(v), (0...65535).contains(p) else { throw ProxyOptionsError("\(flag): invalid port \"\(v)\"") }
            return p
        }
        func count(_ flag: String, _ range: ClosedRange<Int>) throws(ProxyOptionsError) -> Int {
            let v = try value(flag)
            guard let n = Int(v), range.contains(n) else {
                throw ProxyOptionsError("\(flag): expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(v)\"")
            }
            return n
        }
        func seconds(_ flag: String) throws(ProxyOptionsError) -> Double {
            let v = try value(flag)
            guard let s = Double(v), s > 0, s.isFinite else { throw ProxyOptionsError("\(flag): expected seconds > 0, got \"\(v)\"") }
            return s
        }
        while i < args.count {
            var flag = args[i]
            // Accept --flag=value as well as --flag value.
            if flag.hasPrefix("--"), let eq = flag.firstIndex(of: "=") {
                var rest = args
                rest.insert(String(flag[flag.index(after: eq)...]), at: i + 1)
                flag = String(flag[..<eq])
                return try parse(Array(rest[..<i]) + [flag] + Array(rest[(i + 1)...]))
            }
            switch flag {
            case "--port": o.port = try port(flag)
            case "--admin-port": o.adminPort = try port(flag)
            case "--static-routes": o.staticRoutes = try value(flag)
            case "--bind": o.bindHost = try value(flag)
            case "--kubeconfig": o.kubeconfig = try value(flag)
            case "--context": o.context = try value(flag)
            case "--namespace", "-n": o.namespaces.append(try value(flag))
            case "--replica-id": o.replicaID = try value(flag)
            case "--trusted-proxies":
                let v = try value(flag)
                do { o.trustedProxies = try CIDR.parseList(v) } catch { throw ProxyOptionsError("--trusted-proxies: \(error)") }
            case "--loops":
                let v = try value(flag)
                guard let n = Int(v), (0...256).contains(n) else { throw ProxyOptionsError("--loops: invalid count \"\(v)\"") }
                o.loops = n
            case "--header-timeout": o.headerTimeout = try seconds(flag)
            case "--idle-timeout": o.idleTimeout = try seconds(flag)
            case "--connect-timeout": o.connectTimeout = try seconds(flag)
            case "--response-timeout": o.responseTimeout = try seconds(flag)
            case "--shutdown-grace": o.shutdownGrace = try seconds(flag)
            case "--wake-queue": o.wakeQueue = try count(flag, 1...1_000_000)
            case "--wake-admit": o.wakeAdmit = try count(flag, 1...10_000)
            default: throw ProxyOptionsError("unknown option \"\(flag)\"")
            }
            i += 1
        }
        return o
    }
}

public struct ProxyOptionsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
