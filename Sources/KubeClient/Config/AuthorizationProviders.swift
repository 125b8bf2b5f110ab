import Foundation

/// A fixed header value (or none). Token files and exec plugins get their own providers.
public struct StaticAuthorization: AuthorizationProvider {
    let value: String?
    public init(_ value: String?) { self.value = value }
    public func authorization() async throws -> String? { value }
    public func invalidate() async {}
}

extension KubeConfig {
    /// The provider for these credentials. (Token-file and exec providers: see their files.)
    public func makeAuthorizationProvider() -> any AuthorizationProvider {
        switch credentials {
        case .none: return StaticAuthorization(nil)
        case .token(let t): return StaticAuthorization("Bearer \(t)")
        case .basic(let u, let p): return StaticAuthorization("Basic \(Data("\(u):\(p)".utf8).base64EncodedString())")
        case .tokenFile, .exec:
            // TODO(config helper): TokenFileAuthorization and ExecAuthorization.
            return StaticAuthorization(nil)
        }
    }
}
