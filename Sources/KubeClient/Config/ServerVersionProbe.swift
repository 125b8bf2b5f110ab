import DozeJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `GET <server>/version` with the configuration's TLS material and credentials: proves a
/// configuration end to end (`doze kubeconfig view --check`, and the TLS tests). It uses a plain
/// URLSession rather than the full transport, so it also works before the transport is wired.
public enum ServerVersionProbe {
    /// The server's `gitVersion`. A 401 invalidates the credentials and retries once, as the
    /// transport does.
    public static func gitVersion(_ config: KubeConfig, authorization: (any AuthorizationProvider)? = nil,
                                  timeout: TimeInterval = 10) async throws -> String
    {
        try TLSHook.install(for: config.server, options: config.tls)
        let auth = authorization ?? config.makeAuthorizationProvider()
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        var (data, status) = try await get(config, auth: auth, session: session, timeout: timeout)
        if status == 401 {
            await auth.invalidate()
            (data, status) = try await get(config, auth: auth, session: session, timeout: timeout)
        }
        guard status == 200 else {
            throw ServerVersionProbeError(status: status, body: String(decoding: data.prefix(300), as: UTF8.self))
        }
        guard let json = try? JSON(parsing: String(decoding: data, as: UTF8.self)), let version = json["gitVersion"].string
        else { throw ServerVersionProbeError(status: status, body: "no gitVersion in the answer") }
        return version
    }

    private static func get(_ config: KubeConfig, auth: any AuthorizationProvider, session: URLSession,
                            timeout: TimeInterval) async throws -> (Data, Int)
    {
        var request = URLRequest(url: config.server.appendingPathComponent("version"))
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let header = try await auth.authorization() { request.setValue(header, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        return (data, (response as? HTTPURLResponse)?.statusCode ?? 0)
    }
}

public struct ServerVersionProbeError: Error, CustomStringConvertible {
    public let status: Int
    public let body: String
    public var description: String { "GET /version: HTTP \(status): \(body)" }
}
