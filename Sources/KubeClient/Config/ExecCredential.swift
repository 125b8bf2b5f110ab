import DozeJSON
import Foundation

/// The `client.authentication.k8s.io` ExecCredential exchanged with an exec plugin: the request
/// we put in KUBERNETES_EXEC_INFO, and the plugin's answer on stdout.
struct ExecCredential: Equatable, Sendable {
    static let supportedVersions: Set<String> = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    var token: String?
    var clientCertificatePEM: [UInt8]?
    var clientKeyPEM: [UInt8]?
    /// nil: valid until a 401 says otherwise.
    var expiration: Date?

    func isValid(at now: Date) -> Bool { expiration.map { now < $0 } ?? true }

    /// KUBERNETES_EXEC_INFO: never interactive (we have no terminal to offer); the cluster when
    /// the kubeconfig asks for `provideClusterInfo`.
    static func execInfo(apiVersion: String, cluster: KubeConfig?) -> String {
        var info: JSON = ["apiVersion": .string(apiVersion), "kind": "ExecCredential", "spec": ["interactive": false]]
        if let cluster {
            var c: JSON = ["server": .string(cluster.server.absoluteString)]
            if let name = cluster.tls.serverName { c["tls-server-name"] = .string(name) }
            if cluster.tls.insecureSkipVerify { c["insecure-skip-tls-verify"] = true }
            if let ca = cluster.tls.caPEM { c["certificate-authority-data"] = .string(Data(ca).base64EncodedString()) }
            info[path: "spec", "cluster"] = c
        }
        return info.serialized()
    }

    /// Decodes a plugin's stdout; the apiVersion must be the one the kubeconfig asked for.
    static func decode(_ output: Data, expectedVersion: String) throws -> ExecCredential {
        guard let text = String(data: output, encoding: .utf8), let json = try? JSON(parsing: text) else {
            throw ExecPluginError(.badOutput("output is not JSON"))
        }
        guard json["kind"].string == "ExecCredential" else {
            throw ExecPluginError(.badOutput("kind is '\(json["kind"].string ?? "")', not ExecCredential"))
        }
        guard json["apiVersion"].string == expectedVersion else {
            throw ExecPluginError(.badOutput("apiVersion '\(json["apiVersion"].string ?? "")' does not match '\(expectedVersion)'"))
        }
        let status = json["status"]
        guard status.object != nil else { throw ExecPluginError(.badOutput("no status")) }
        var credential = ExecCredential()
        credential.token = status["token"].string.flatMap { $0.isEmpty ? nil : $0 }
        credential.clientCertificatePEM = status["clientCertificateData"].string.map { Array($0.utf8) }
        credential.clientKeyPEM = status["clientKeyData"].string.map { Array($0.utf8) }
        if (credential.clientCertificatePEM == nil) != (credential.clientKeyPEM == nil) {
            throw ExecPluginError(.badOutput("clientCertificateData and clientKeyData must come together"))
        }
        if credential.token == nil && credential.clientCertificatePEM == nil {
            throw ExecPluginError(.badOutput("status has neither a token nor a client certificate"))
        }
        if let stamp = status["expirationTimestamp"].string {
            guard let date = parseTimestamp(stamp) else {
                throw ExecPluginError(.badOutput("bad expirationTimestamp '\(stamp)'"))
            }
            credential.expiration = date
        }
        return credential
    }

    /// RFC 3339, with or without fractional seconds.
    static func parseTimestamp(_ s: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: s) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: s)
    }
}

/// An exec plugin that could not be run or whose answer was unusable.
public struct ExecPluginError: Error, CustomStringConvertible, Equatable {
    enum Kind: Equatable {
        case notFound(command: String, hint: String?)
        case failed(command: String, status: Int32)
        case badOutput(String)
        case needsTerminal(command: String)
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .notFound(let command, let hint):
            return "exec plugin '\(command)' not found" + (hint.map { ": \($0)" } ?? "")
        case .failed(let command, let status):
            return "exec plugin '\(command)' exited with status \(status)"
        case .needsTerminal(let command):
            return "exec plugin '\(command)' has interactiveMode Always, but Doze has no terminal to offer"
        case .badOutput(let why):
            return "exec plugin gave an unusable ExecCredential: \(why)"
        }
    }
}
