import Controller
import DozeJSON
import Foundation
import KubeClient
import LocalCluster
import Proxy

/// `doze dev`: the local cluster (pods as local processes), the App CRD, the controller and the
/// proxy in one process, wired the way they run in a real cluster (the proxy reads Apps and
/// EndpointSlices, the controller finds the proxy through its admin Service), then the given
/// App manifests applied and their URLs printed. SIGINT/SIGTERM stop everything, pods included.
enum DevCommand {
    static func run(_ args: [String]) async -> Int32 {
        let options: DevOptions
        do { options = try DevOptions.parse(args) } catch let e as FlagError {
            let help = args.contains("-h") || args.contains("--help")
            help ? print(e.message) : fail(e.message)
            return help ? 0 : 2
        } catch { return 2 }
        do {
            let parts = try DevParts(options)
            announce(parts)
            return await ServiceRunner.run(parts.services(files: options.files))
        } catch let e as DevError {
            fail(e.description)
            return 1
        } catch {
            fail("\(error)")
            return 1
        }
    }

    /// Unbuffered, so scripts and tests reading a pipe see each line at once.
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func announce(_ parts: DevParts) {
        say("api listening on \(parts.cluster.host):\(parts.cluster.port)")
        say("proxy listening on 127.0.0.1:\(parts.proxy.port)")
        say("admin listening on 127.0.0.1:\(parts.proxy.adminPort)")
        say("kubeconfig \(parts.kubeconfigPath)")
    }

    /// What is printed once every App is routed: URLs, then how to watch them.
    static func printReady(apps: [JSON], notRouted: Set<String>, parts: DevParts) {
        let names = apps.map { $0[path: "metadata", "name"].string ?? "?" }
        let width = (names.map(\.count).max() ?? 0) + 2
        for (app, name) in zip(apps, names) {
            let ns = app[path: "metadata", "namespace"].string ?? "default"
            let note = notRouted.contains("\(ns)/\(name)") ? "  (not routed yet: kubectl describe app -n \(ns) \(name))" : ""
            say(name.padding(toLength: width, withPad: " ", startingAt: 0) + DevManifests.url(of: app, proxyPort: parts.proxy.port) + note)
        }
        say("")
        say("export KUBECONFIG=\(parts.kubeconfigPath)")
        say("kubectl get apps -w")
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("doze dev: \(message)\n".utf8))
    }

    /// A bind failure in plain words, naming the flag that chose the port.
    static func listenError(_ error: any Error, port: Int, flag: String) -> DevError {
        if "\(error)".contains("errno \(EADDRINUSE)") {
            return DevError("port \(port) is in use (\(flag)); choose another with \(flag) PORT, or \(flag) 0 for any free port")
        }
        return DevError("cannot listen on 127.0.0.1:\(port) (\(flag)): \(error)")
    }
}
