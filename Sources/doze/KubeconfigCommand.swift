import Foundation
import KubeClient

/// `doze kubeconfig view [--kubeconfig PATH] [--context NAME] [--check]`: shows which API server
/// Doze would talk to and how (never a secret); `--check` calls the server's /version through
/// the real client, which proves the loader, the credentials and the TLS setup end to end.
enum KubeconfigCommand {
    struct Flags {
        var kubeconfig: String?
        var context: String?
        var check = false
    }

    static let usage = """
        usage: doze kubeconfig view [--kubeconfig PATH] [--context NAME] [--check]

        Shows the API server, where its configuration came from, the auth method, the TLS trust
        and the namespace. Configuration order: --kubeconfig, KUBECONFIG (files merged like
        kubectl), ~/.kube/config, then in-cluster (service account).
          --check   also GET <server>/version and print its gitVersion (exit 1 on error)
        """

    static func run(_ args: [String]) async {
        guard args.first == "view" else {
            let help = args.first.map { ["-h", "--help", "help"].contains($0) } ?? true
            fail(help ? nil : "unknown subcommand '\(args[0])'", status: help ? 0 : 2)
        }
        let flags: Flags
        do { flags = try parse(Array(args.dropFirst())) } catch { fail("\(error)", status: 2) }
        let config: KubeConfig
        do {
            config = try KubeConfig.load(kubeconfig: flags.kubeconfig, context: flags.context)
        } catch {
            fail("\(error)", status: 1, usage: false)
        }
        print(describe(config))
        guard flags.check else { return }
        do {
            let options = ClientOptions(retry: .none, requestTimeout: 10)
            let version = try await KubeClient(config: config, options: options).serverVersion()
            print("version:    \(version["gitVersion"].string ?? "(no gitVersion) \(version.serialized())")")
        } catch {
            print("version:    error: \(error)")
            exit(1)
        }
    }

    static func describe(_ c: KubeConfig) -> String {
        """
        server:     \(c.server.absoluteString)
        source:     \(c.source)
        auth:       \(c.authDescription)
        tls:        \(c.tlsDescription)
        namespace:  \(c.namespace)
        """
    }

    struct FlagError: Error, CustomStringConvertible { let description: String }

    static func parse(_ args: [String]) throws -> Flags {
        var flags = Flags()
        var rest = args[...]
        while let arg = rest.popFirst() {
            let (name, inline) = arg.contains("=") && arg.hasPrefix("--")
                ? (String(arg.prefix { $0 != "=" }), String(arg.drop { $0 != "=" }.dropFirst())) : (arg, nil)
            func value() throws -> String {
                if let inline { return inline }
                guard let v = rest.popFirst() else { throw FlagError(description: "\(name) needs a value") }
                return v
            }
            switch name {
            case "--kubeconfig": flags.kubeconfig = try value()
            case "--context": flags.context = try value()
            case "--check": flags.check = true
            default: throw FlagError(description: "unknown flag '\(arg)'")
            }
        }
        return flags
    }

    static func fail(_ message: String?, status: Int32, usage showUsage: Bool = true) -> Never {
        if let message { FileHandle.standardError.write(Data("doze kubeconfig: \(message)\n".utf8)) }
        if showUsage { FileHandle.standardError.write(Data("\(usage)\n".utf8)) }
        exit(status)
    }
}
