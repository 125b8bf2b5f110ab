/// The `doze dev` flags, parsed without I/O.
struct DevOptions: Equatable {
    /// The proxy's port (0: any free port, printed).
    var port = 8080
    /// The local cluster's API port (0: any free port, printed).
    var apiPort = 0
    var kubeconfig = ".doze/dev/kubeconfig"
    var podRuntime = PodRuntimeChoice.process
    /// App manifests applied once everything runs.
    var files: [String] = []

    enum PodRuntimeChoice: String, Equatable { case process, simulated }

    static let defaultFiles = ["examples/hello/app.yaml"]

    static let usage = """
        usage: doze dev [--port PORT] [--api-port PORT] [--kubeconfig PATH]
                        [--pod-runtime process|simulated] [APP.yaml ...]
          Runs the local cluster, the App controller and the proxy in one process, applies the
          given App manifests (default: examples/hello/app.yaml) and prints each App's URL.
            --port         the proxy's port (default 8080; 0 = any free port)
            --api-port     the local Kubernetes API's port (default 0 = any free port)
            --kubeconfig   where to write the kubeconfig (default .doze/dev/kubeconfig)
            --pod-runtime  process (pods are local processes; default) or simulated
          Ctrl-C stops everything, pod processes included.
        """

    static func parse(_ args: [String]) throws -> DevOptions {
        var o = DevOptions()
        var rest = args[...]
        while let arg = rest.popFirst() {
            let (name, inline) = arg.hasPrefix("--") && arg.contains("=")
                ? (String(arg.prefix { $0 != "=" }), String(arg.drop { $0 != "=" }.dropFirst())) : (arg, nil)
            func value() throws -> String {
                if let inline { return inline }
                guard let v = rest.popFirst() else { throw FlagError(message: "\(name) needs a value") }
                return v
            }
            func port() throws -> Int {
                let v = try value()
                guard let p = Int(v), (0...65535).contains(p) else { throw FlagError(message: "\(name): invalid port \"\(v)\"") }
                return p
            }
            switch name {
            case "--port": o.port = try port()
            case "--api-port": o.apiPort = try port()
            case "--kubeconfig": o.kubeconfig = try value()
            case "--pod-runtime":
                let v = try value()
                guard let r = PodRuntimeChoice(rawValue: v) else { throw FlagError(message: "--pod-runtime is process or simulated, not \"\(v)\"") }
                o.podRuntime = r
            case "-h", "--help": throw FlagError(message: usage)
            default:
                if name.hasPrefix("-") && name != "-" { throw FlagError(message: "unknown flag \(name)\n\(usage)") }
                o.files.append(arg)
            }
        }
        if o.files.isEmpty { o.files = defaultFiles }
        return o
    }
}
