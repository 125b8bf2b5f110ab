/// Why a configuration could not be loaded. The description names the file, context, cluster or
/// user involved, and never a secret.
public struct KubeConfigError: Error, CustomStringConvertible, Equatable {
    enum Kind: Equatable {
        case noConfiguration
        case noCurrentContext(files: [String])
        case contextNotFound(String, files: [String])
        case clusterNotFound(String, context: String)
        case userNotFound(String, context: String)
        case missingServer(cluster: String)
        case badServer(String, cluster: String)
        case unreadable(path: String, reason: String)
        case malformed(path: String, message: String)
        case invalid(what: String, message: String)
        case unsupported(what: String, message: String)
        case notInCluster(String)
    }

    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .noConfiguration:
            return "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, "
                + "or run in a pod (KUBERNETES_SERVICE_HOST)"
        case .noCurrentContext(let files):
            return "no current context in \(list(files)): set current-context or choose a context"
        case .contextNotFound(let name, let files):
            return "context '\(name)' not found in \(list(files))"
        case .clusterNotFound(let cluster, let context):
            return "context '\(context)' names cluster '\(cluster)', which is not defined"
        case .userNotFound(let user, let context):
            return "context '\(context)' names user '\(user)', which is not defined"
        case .missingServer(let cluster):
            return "cluster '\(cluster)' has no server"
        case .badServer(let server, let cluster):
            return "cluster '\(cluster)' has an unusable server URL '\(server)'"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformed(let path, let message):
            return "\(path): \(message)"
        case .invalid(let what, let message):
            return "\(what): \(message)"
        case .unsupported(let what, let message):
            return "\(what): \(message) is not supported"
        case .notInCluster(let why):
            return "not running in a cluster: \(why)"
        }
    }

    private func list(_ files: [String]) -> String {
        files.isEmpty ? "the kubeconfig" : files.joined(separator: ", ")
    }

    public var isNoCurrentContext: Bool { if case .noCurrentContext = kind { true } else { false } }
    public var isNotFound: Bool {
        switch kind {
        case .contextNotFound, .clusterNotFound, .userNotFound: true
        default: false
        }
    }
}
