import Foundation

/// The `doze` command line: one subcommand per long-running part, plus small tools.
enum DozeCommand {
    static let version = "0.1.0-dev"

    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        let sub = args.isEmpty ? "help" : args.removeFirst()
        switch sub {
        case "version", "--version": print("doze \(version)")
        case "help", "-h", "--help": print(usage)
        case "controller": exit(await ControllerCommand.run(args))
        case "kubeconfig": await KubeconfigCommand.run(args)
        case "cluster": exit(await ClusterCommand.run(args))
        case "proxy": exit(await ProxyCommand.run(args))
        case "dev": exit(await DevCommand.run(args))
        default:
            FileHandle.standardError.write(Data("doze: unknown command '\(sub)'\n\n\(usage)\n".utf8))
            exit(2)
        }
    }

    static let usage = """
        usage: doze <command> [options]

        commands:
          dev                     run cluster, controller, proxy and example app locally (doze dev --help)
          version                 print the version
          controller              run the App controller (doze controller --help)
          cluster                 run the local in-memory Kubernetes cluster
          proxy                   run the reverse proxy (doze proxy --help)
          kubeconfig view         show how a kubeconfig resolves (--check calls the server)
        """
}
