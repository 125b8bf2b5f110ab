import Foundation

extension KubeConfig {
    /// The service account directory every pod gets.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Finds the configuration the way kubectl and client-go's defaults do, first match wins:
    /// 1. `kubeconfig` (a `--kubeconfig` flag): that file alone, which must exist;
    /// 2. `KUBECONFIG`: its colon-separated files merged (missing ones skipped);
    /// 3. `~/.kube/config`, if it exists;
    /// 4. in-cluster (`KUBERNETES_SERVICE_HOST`/`_PORT` and the service account token), when 2–3
    ///    gave an empty configuration — as client-go's deferred loader falls back;
    /// otherwise an error saying so. `context` picks a context instead of current-context.
    public static func load(kubeconfig explicitPath: String? = nil, context: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            serviceAccountDirectory: String = KubeConfig.serviceAccountDirectory) throws -> KubeConfig
    {
        if let explicitPath, !explicitPath.isEmpty {
            return try fromKubeconfig(paths: [explicitPath], context: context, skipMissing: false)
        }
        var candidates: [String] = []
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            candidates = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        } else if let home = environment["HOME"], !home.isEmpty {
            candidates = [home + "/.kube/config"]
        }
        let merged = try KubeconfigFile.merged(candidates, skipMissing: true)
        if merged.isEmpty, context == nil,
            inClusterPossible(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        {
            return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        if merged.files.isEmpty { throw KubeConfigError(.noConfiguration) }
        return try KubeconfigResolver(file: merged).resolve(context: context)
    }

    /// Loads and merges the given kubeconfig files and resolves `context` (or current-context).
    public static func fromKubeconfig(paths: [String], context: String? = nil, skipMissing: Bool = false) throws
        -> KubeConfig
    {
        let merged = try KubeconfigFile.merged(paths, skipMissing: skipMissing)
        if merged.files.isEmpty { throw KubeConfigError(.noConfiguration) }
        return try KubeconfigResolver(file: merged).resolve(context: context)
    }

    /// Parses kubeconfig text (`path` names it in errors and anchors relative paths).
    public static func fromKubeconfig(text: String, path: String, context: String? = nil) throws -> KubeConfig {
        try KubeconfigResolver(file: KubeconfigFile.parse(text, path: path)).resolve(context: context)
    }

    static func inClusterPossible(environment: [String: String], serviceAccountDirectory: String) -> Bool {
        !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty && !(environment["KUBERNETES_SERVICE_PORT"] ?? "").isEmpty
            && FileManager.default.fileExists(atPath: serviceAccountDirectory + "/token")
    }

    /// The configuration of a pod: the API server from KUBERNETES_SERVICE_HOST/PORT, the service
    /// account token (a file, re-read as it rotates), its CA and namespace.
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 serviceAccountDirectory: String = KubeConfig.serviceAccountDirectory) throws -> KubeConfig
    {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else { throw KubeConfigError(.notInCluster("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")) }
        let authority = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard let server = URL(string: "https://\(authority)") else {
            throw KubeConfigError(.notInCluster("bad KUBERNETES_SERVICE_HOST/PORT '\(authority)'"))
        }
        let tokenPath = serviceAccountDirectory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigError(.unreadable(path: tokenPath, reason: "the service account token is missing"))
        }
        var tls = TLSOptions()
        // Like client-go: an unreadable CA file leaves the system trust store in charge.
        if let ca = FileManager.default.contents(atPath: serviceAccountDirectory + "/ca.crt"), !ca.isEmpty {
            tls.caPEM = [UInt8](ca)
        }
        var namespace = "default"
        if let data = FileManager.default.contents(atPath: serviceAccountDirectory + "/namespace"),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        {
            namespace = text
        }
        return KubeConfig(server: server, namespace: namespace, tls: tls, credentials: .tokenFile(tokenPath),
                          source: "in-cluster (\(serviceAccountDirectory))")
    }
}
