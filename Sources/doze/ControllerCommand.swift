import Controller
import DozeJSON
import Foundation
import HTTPCore
import KubeClient

/// `doze controller`: the App controller with its metrics server. Flags match
/// deploy/helm/doze/templates/controller.yaml.
enum ControllerCommand {
    struct Flags {
        var kubeconfig: String?
        var context: String?
        var namespaces: [String] = []
        var metricsPort = 9090
        var workers = 4
        var leaseNamespace: String?
        var leaseDuration = Duration.seconds(15)
        var baseURL = "http://localhost:8080"
        var proxyService: ProxyDiscovery.ServiceRef?
        var sleepInterval = Duration.seconds(1)
        /// Client-side rate limit on API requests, as client-go's: it shields a real API server
        /// from a controller catching up with thousands of Apps at once.
        var kubeAPIQPS = ClientOptions().qps
        var kubeAPIBurst = ClientOptions().burst
    }

    static let usage = """
        usage: doze controller [--kubeconfig PATH] [--context NAME] [--namespace NS]... [--metrics-port PORT]
                               [--workers N] [--lease-namespace NS] [--lease-duration 15s] [--base-url URL]
                               [--proxy-service NS/NAME] [--sleep-interval 1s]
                               [--kube-api-qps 50] [--kube-api-burst 100]
        --proxy-service: the proxy admin Service; without it no App is put to sleep.
        """

    static func parse(_ args: [String]) throws -> Flags {
        var f = Flags()
        var i = 0
        func value(_ name: String, _ inline: String?) throws -> String {
            if let inline { return inline }
            i += 1
            guard i < args.count else { throw FlagError(message: "\(name) needs a value") }
            return args[i]
        }
        while i < args.count {
            let parts = args[i].split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0], inline = parts.count > 1 ? parts[1] : nil
            switch name {
            case "--kubeconfig": f.kubeconfig = try value(name, inline)
            case "--context": f.context = try value(name, inline)
            case "--namespace", "-n": f.namespaces.append(try value(name, inline))
            case "--metrics-port": f.metricsPort = try int(name, try value(name, inline))
            case "--workers": f.workers = max(1, try int(name, try value(name, inline)))
            case "--lease-namespace": f.leaseNamespace = try value(name, inline)
            case "--lease-duration":
                let text = try value(name, inline)
                guard let d = AppDuration(parsing: text), d.milliseconds >= 2000 else {
                    throw FlagError(message: "--lease-duration: \(text) is not a duration of at least 2s")
                }
                f.leaseDuration = .milliseconds(d.milliseconds)
            case "--base-url": f.baseURL = try value(name, inline)
            case "--proxy-service":
                let text = try value(name, inline)
                guard let ref = ProxyDiscovery.ServiceRef(parsing: text) else {
                    throw FlagError(message: "--proxy-service: \(text) is not NAMESPACE/NAME")
                }
                f.proxyService = ref
            case "--sleep-interval":
                let text = try value(name, inline)
                guard let d = AppDuration(parsing: text), d.milliseconds >= 50, d.milliseconds <= 10_000 else {
                    throw FlagError(message: "--sleep-interval: \(text) is not a duration between 50ms and 10s")
                }
                f.sleepInterval = .milliseconds(d.milliseconds)
            case "--kube-api-qps":
                let text = try value(name, inline)
                guard let q = Double(text), q > 0, q.isFinite else { throw FlagError(message: "--kube-api-qps: \(text) is not a positive number") }
                f.kubeAPIQPS = q
            case "--kube-api-burst":
                let text = try value(name, inline)
                guard let b = Int(text), b >= 1 else { throw FlagError(message: "--kube-api-burst: \(text) is not a positive integer") }
                f.kubeAPIBurst = b
            case "-h", "--help": throw FlagError(message: usage)
            default: throw FlagError(message: "unknown flag \(name)\n\(usage)")
            }
            i += 1
        }
        return f
    }

    static func int(_ name: String, _ text: String) throws -> Int {
        guard let n = Int(text), n >= 0 else { throw FlagError(message: "\(name): \(text) is not a number") }
        return n
    }

    static func run(_ args: [String]) async -> Int32 {
        do {
            let flags = try parse(args)
            let config = try KubeConfig.load(kubeconfig: flags.kubeconfig, context: flags.context)
            let client = try KubeClient(config: config, options: ClientOptions(qps: flags.kubeAPIQPS, burst: flags.kubeAPIBurst))
            let identity = ProcessInfo.processInfo.environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
            let lease = flags.leaseDuration
            let election = LeaderElectionConfig(identity: identity, leaseDuration: lease,
                                                renewDeadline: lease * 2 / 3, retryPeriod: lease * 2 / 15)
            var sleep = SleepSettings()
            sleep.interval = flags.sleepInterval
            let options = ControllerOptions(
                namespaces: flags.namespaces.isEmpty ? nil : flags.namespaces, workers: flags.workers,
                leaseNamespace: flags.leaseNamespace ?? client.defaultNamespace, election: election,
                render: RenderContext(baseURL: flags.baseURL), proxyService: flags.proxyService, sleep: sleep)
            let controller = AppController(client: client, options: options)
            let server = try HTTPServer(host: "0.0.0.0", port: flags.metricsPort, loops: 1) { req in
                MetricsEndpoint.handle(req, controller)
            }
            ServiceRunner.log("controller \(identity): metrics on :\(server.port), lease \(options.leaseNamespace)/\(options.leaseName), "
                + (flags.proxyService.map { "proxies from \($0)" } ?? "no --proxy-service: Apps never sleep"))
            return await ServiceRunner.run([
                ClosureService(name: "controller") { await controller.run() },
                ClosureService(name: "metrics") { try await server.run() },
            ])
        } catch let e as FlagError {
            FileHandle.standardError.write(Data("doze controller: \(e.message)\n".utf8))
            return 2
        } catch {
            FileHandle.standardError.write(Data("doze controller: \(error)\n".utf8))
            return 1
        }
    }
}

struct FlagError: Error { let message: String }

