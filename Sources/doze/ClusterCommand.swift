import Foundation
import LocalCluster

/// `doze cluster --port PORT --kubeconfig PATH [--pod-runtime process|simulated]`: runs the local
/// in-memory Kubernetes cluster until SIGTERM/SIGINT. `--port 0` picks a free port; either way
/// the chosen one is written into the kubeconfig and announced as `listening on HOST:PORT`.
enum ClusterCommand {
    static let usage = "usage: doze cluster [--port PORT] [--kubeconfig PATH] [--pod-runtime process|simulated]"

    static func run(_ args: [String]) async -> Int32 {
        var port = 6443, kubeconfig: String?, runtime = "process"
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--port": guard let v = it.next().flatMap(Int.init) else { return fail("--port needs a number") }; port = v
            case "--kubeconfig": guard let v = it.next() else { return fail("--kubeconfig needs a path") }; kubeconfig = v
            case "--pod-runtime":
                guard let v = it.next(), ["process", "simulated"].contains(v) else { return fail("--pod-runtime is process or simulated") }
                runtime = v
            case "-h", "--help": print(usage); return 0
            default: return fail("unknown option \(a)")
            }
        }
        let store = ObjectStore()
        let server: LocalClusterServer
        do {
            server = try LocalClusterServer(port: port, store: store,
                                            podRuntime: runtime == "simulated" ? .simulated(readyAfter: .milliseconds(500)) : .process)
        } catch {
            return fail("cannot listen on 127.0.0.1:\(port): \(error)")
        }
        if let kubeconfig {
            do { try server.kubeconfig().write(toFile: kubeconfig, atomically: true, encoding: .utf8) } catch {
                return fail("cannot write \(kubeconfig): \(error)")
            }
        }
        // Written straight to the descriptor so that scripts reading a pipe see it at once.
        FileHandle.standardOutput.write(Data("listening on \(server.host):\(server.port)\n".utf8))
        return await ServiceRunner.run([ClosureService(name: "cluster") { try await server.run() }])
    }

    static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("doze cluster: \(message)\n\(usage)\n".utf8))
        return 2
    }
}
