import DozeJSON

/// The bodies of `POST /fence` and `POST /unfence` (contract §3), parsed without I/O.
public enum FenceRequest: Sendable, Equatable {
    case fence(app: String, ttl: Duration)
    case unfence(app: String, slept: Bool)

    /// The largest fence accepted: a controller asks for about 10 s; a typo must not hold an App's
    /// requests for hours.
    public static let maxTTL: Duration = .seconds(300)

    /// Parses the body of `path` (`/fence` or `/unfence`); the error is the 400 body's reason.
    public static func parse(path: String, body: [UInt8]) -> Result<FenceRequest, FenceRequestError> {
        guard let json = try? JSON(parsing: body), case .object = json else {
            return .failure(FenceRequestError("expected a JSON object"))
        }
        guard let app = json["app"].string, isAppKey(app) else {
            return .failure(FenceRequestError("\"app\" must be \"namespace/name\""))
        }
        if path == "/fence" {
            guard let ms = json["ttlMillis"].int, ms > 0 else {
                return .failure(FenceRequestError("\"ttlMillis\" must be a positive integer"))
            }
            return .success(.fence(app: app, ttl: min(.milliseconds(ms), maxTTL)))
        }
        guard let slept = json["slept"].bool else { return .failure(FenceRequestError("\"slept\" must be true or false")) }
        return .success(.unfence(app: app, slept: slept))
    }

    private static func isAppKey(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }
}

public struct FenceRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
