import Foundation

/// A fixed header value (or none). Token files and exec plugins get their own providers.
public struct StaticAuthorization: AuthorizationProvider {
    let value: String?
    public init(_ value: String?) { self.value = value }
    public func authorization() async throws -> String? { value }
    public func invalidate() async {}
}

extension KubeConfig {
    /// The provider for these credentials. Client certificates are not here: they travel in
    /// `tls` through `TLSHook` (an exec plugin's certificate too, installed when it runs).
    public func makeAuthorizationProvider() -> any AuthorizationProvider {
        switch credentials {
        case .none: return StaticAuthorization(nil)
        case .token(let t): return StaticAuthorization("Bearer \(t)")
        case .basic(let u, let p): return StaticAuthorization("Basic \(Data("\(u):\(p)".utf8).base64EncodedString())")
        case .tokenFile(let path): return TokenFileAuthorization(path: path)
        case .exec(let exec): return ExecAuthorization(exec, cluster: self)
        }
    }

    /// How requests authenticate, for humans: never a secret.
    public var authDescription: String {
        var parts: [String] = []
        switch credentials {
        case .none: break
        case .token: parts.append("token")
        case .tokenFile(let path): parts.append("token file \(path)")
        case .basic(let user, _): parts.append("basic (user \(user))")
        case .exec(let e): parts.append("exec \(e.command) (\(e.apiVersion))")
        }
        if tls.hasClientCertificate { parts.append("client certificate") }
        return parts.isEmpty ? "none" : parts.joined(separator: " + ")
    }

    /// How the server's certificate is checked, for humans.
    public var tlsDescription: String {
        if server.scheme?.lowercased() != "https" { return "none (plain HTTP)" }
        if tls.insecureSkipVerify { return "insecure (server certificate not verified)" }
        var text = tls.caPEM != nil ? "custom CA" : "system trust store"
        if let name = tls.serverName { text += ", server name \(name)" }
        return text
    }
}
