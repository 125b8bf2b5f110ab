import DozeJSON
import Foundation

/// Turns a merged kubeconfig and a context name into a `KubeConfig`: the context's cluster
/// (server, CA, insecure, tls-server-name), user (token, token file, client certificate, basic,
/// exec) and namespace. Files named by the kubeconfig are read here, once; relative paths are
/// relative to the file that names them.
struct KubeconfigResolver {
    let file: KubeconfigFile

    func resolve(context requested: String?) throws -> KubeConfig {
        guard let contextName = requested ?? file.currentContext, !contextName.isEmpty else {
            throw KubeConfigError(.noCurrentContext(files: file.files))
        }
        guard let context = file.contexts[contextName] else {
            throw KubeConfigError(.contextNotFound(contextName, files: file.files))
        }
        let clusterName = KubeconfigValue.string(context.body["cluster"]) ?? ""
        guard let cluster = file.clusters[clusterName] else {
            throw KubeConfigError(.clusterNotFound(clusterName, context: contextName))
        }
        let userName = KubeconfigValue.string(context.body["user"]) ?? ""
        var user: KubeconfigFile.Entry? = nil
        if !userName.isEmpty {
            guard let found = file.users[userName] else {
                throw KubeConfigError(.userNotFound(userName, context: contextName))
            }
            user = found
        }
        var config = try resolveCluster(cluster)
        if let user { try applyUser(user, to: &config) }
        if let ns = KubeconfigValue.string(context.body["namespace"]), !ns.isEmpty { config.namespace = ns }
        config.source = "kubeconfig \(file.files.joined(separator: ":")) (context \(contextName))"
        return config
    }

    private func resolveCluster(_ entry: KubeconfigFile.Entry) throws -> KubeConfig {
        let body = entry.body
        guard let server = KubeconfigValue.string(body["server"]), !server.isEmpty else {
            throw KubeConfigError(.missingServer(cluster: entry.name))
        }
        var trimmed = server
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", url.host != nil
        else { throw KubeConfigError(.badServer(server, cluster: entry.name)) }
        if !body["proxy-url"].isNull {
            throw KubeConfigError(.unsupported(what: "cluster '\(entry.name)'", message: "proxy-url"))
        }
        var tls = TLSOptions()
        let what = "cluster '\(entry.name)' in \(entry.file)"
        tls.caPEM = try material(entry, data: "certificate-authority-data", path: "certificate-authority", what: what)
        tls.insecureSkipVerify = KubeconfigValue.bool(body["insecure-skip-tls-verify"]) ?? false
        if tls.insecureSkipVerify && tls.caPEM != nil {
            // client-go refuses this combination too.
            throw KubeConfigError(.invalid(what: what, message:
                "certificate-authority and insecure-skip-tls-verify cannot both be set"))
        }
        if let name = KubeconfigValue.string(body["tls-server-name"]), !name.isEmpty { tls.serverName = name }
        return KubeConfig(server: url, tls: tls)
    }

    private func applyUser(_ entry: KubeconfigFile.Entry, to config: inout KubeConfig) throws {
        let body = entry.body
        let what = "user '\(entry.name)' in \(entry.file)"
        for unsupported in ["auth-provider", "as", "as-groups", "as-uid", "as-user-extra"] where !body[unsupported].isNull {
            throw KubeConfigError(.unsupported(what: what, message: unsupported == "auth-provider"
                ? "auth-provider '\(KubeconfigValue.string(body["auth-provider"]["name"]) ?? "?")' (use an exec plugin)"
                : "impersonation (\(unsupported))"))
        }
        config.tls.clientCertificatePEM = try material(entry, data: "client-certificate-data", path: "client-certificate", what: what)
        config.tls.clientKeyPEM = try material(entry, data: "client-key-data", path: "client-key", what: what)
        if (config.tls.clientCertificatePEM == nil) != (config.tls.clientKeyPEM == nil) {
            throw KubeConfigError(.invalid(what: what, message: "a client certificate needs both the certificate and the key"))
        }
        let token = nonEmpty(body["token"])
        let tokenFile = nonEmpty(body["tokenFile"]).map { absolute($0, in: entry.directory) }
        let username = nonEmpty(body["username"])
        if (token != nil || tokenFile != nil) && username != nil {
            throw KubeConfigError(.invalid(what: what, message: "username/password and a token cannot both be set"))
        }
        // A static token is sent as is (client-go prefers it to the token file and to an exec plugin).
        if let token {
            config.credentials = .token(token)
        } else if let tokenFile {
            config.credentials = .tokenFile(tokenFile)
        } else if body["exec"].object != nil {
            config.credentials = .exec(try execConfig(body["exec"], entry: entry, what: what))
        } else if let username {
            config.credentials = .basic(username: username, password: KubeconfigValue.string(body["password"]) ?? "")
        }
    }

    private func execConfig(_ exec: JSON, entry: KubeconfigFile.Entry, what: String) throws -> ExecConfig {
        guard var command = nonEmpty(exec["command"]) else {
            throw KubeConfigError(.invalid(what: what, message: "exec has no command"))
        }
        // Like client-go: a relative command with a slash is relative to the kubeconfig's directory.
        if command.contains("/") { command = absolute(command, in: entry.directory) }
        let apiVersion = nonEmpty(exec["apiVersion"]) ?? ""
        guard ExecCredential.supportedVersions.contains(apiVersion) else {
            throw KubeConfigError(.unsupported(what: what, message: "exec apiVersion '\(apiVersion)'"))
        }
        let args = (exec["args"].array ?? []).compactMap(KubeconfigValue.string)
        var env: [String: String] = [:]
        for item in exec["env"].array ?? [] {
            guard let name = nonEmpty(item["name"]) else {
                throw KubeConfigError(.invalid(what: what, message: "exec env entry without a name"))
            }
            env[name] = KubeconfigValue.string(item["value"]) ?? ""
        }
        return ExecConfig(command: command, args: args, env: env, apiVersion: apiVersion,
                          installHint: nonEmpty(exec["installHint"]),
                          provideClusterInfo: KubeconfigValue.bool(exec["provideClusterInfo"]) ?? false,
                          interactiveMode: nonEmpty(exec["interactiveMode"]))
    }

    /// `<name>-data` (base64) wins over `<name>` (a file path), as in client-go.
    private func material(_ entry: KubeconfigFile.Entry, data: String, path: String, what: String) throws -> [UInt8]? {
        let encoded = entry.body[data]
        if let text = KubeconfigValue.string(encoded), !text.isEmpty {
            guard let bytes = KubeconfigValue.base64(encoded) else {
                throw KubeConfigError(.invalid(what: what, message: "\(data) is not valid base64"))
            }
            return bytes
        }
        guard let file = nonEmpty(entry.body[path]) else { return nil }
        let full = absolute(file, in: entry.directory)
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: full)))
        } catch {
            throw KubeConfigError(.unreadable(path: full, reason: "\(path) of \(what): \(KubeconfigFile.reason(error))"))
        }
    }

    private func nonEmpty(_ v: JSON) -> String? {
        guard let s = KubeconfigValue.string(v), !s.isEmpty else { return nil }
        return s
    }

    private func absolute(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            return home + path.dropFirst()
        }
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }
}
