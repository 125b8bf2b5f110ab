import DozeJSON

/// Every error the client reports. An API error carries the HTTP status code and the decoded
/// `Status`; a transport error (connection refused, reset, timeout) has no status code, so the
/// two are told apart with `isTransport` / `statusCode`.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        /// The server answered with an error status (or an ERROR watch event).
        case api(code: Int, status: Status)
        /// No HTTP answer: connection failed, dropped, or timed out. `notSent`: the connection was
        /// never made, so the server cannot have acted on the request.
        case transport(String, notSent: Bool)
        /// A response that is not the JSON we expect.
        case decoding(String)
        /// A request that cannot be built (a namespaced object with no namespace).
        case invalidRequest(String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// An API error. When the body is not a Status (a proxy's HTML page), one is made up from the
    /// code and the body text, so callers always have a reason and message.
    public static func api(code: Int, body: [UInt8]) -> KubeError {
        if let json = try? JSON(parsing: body), Status.isStatus(json) {
            return KubeError(.api(code: code, status: Status(json: json)))
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        return KubeError(.api(code: code, status: Status(code: code, reason: reasonForCode(code), message: text)))
    }

    public static func api(code: Int, status: Status) -> KubeError { KubeError(.api(code: code, status: status)) }
    public static func transport(_ message: String, notSent: Bool = false) -> KubeError {
        KubeError(.transport(message, notSent: notSent))
    }
    public static func decoding(_ message: String) -> KubeError { KubeError(.decoding(message)) }
    public static func invalidRequest(_ message: String) -> KubeError { KubeError(.invalidRequest(message)) }

    /// The HTTP status code of an API error; nil for transport, decoding and request errors.
    public var statusCode: Int? { if case .api(let code, _) = kind { return code } else { return nil } }
    public var status: Status? { if case .api(_, let s) = kind { return s } else { return nil } }
    public var reason: String? { status?.reason }
    public var message: String {
        switch kind {
        case .api(_, let s): return s.message ?? ""
        case .transport(let m, _), .decoding(let m), .invalidRequest(let m): return m
        }
    }

    public var isTransport: Bool { if case .transport = kind { return true } else { return false } }
    /// A transport error from before the request left (connection refused, no such host).
    public var isNotSent: Bool { if case .transport(_, true) = kind { return true } else { return false } }
    public var isDecoding: Bool { if case .decoding = kind { return true } else { return false } }
    public var isInvalidRequest: Bool { if case .invalidRequest = kind { return true } else { return false } }

    public var isNotFound: Bool { statusCode == 404 }
    /// 409 on a stale resourceVersion or an apply conflict (not AlreadyExists, also 409).
    public var isConflict: Bool { statusCode == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { statusCode == 409 && reason == "AlreadyExists" }
    /// 410, or reason Expired/Gone: a resourceVersion or continue token too old. Relist.
    public var isGone: Bool { statusCode == 410 || reason == "Expired" || reason == "Gone" }
    /// The server has not reached the asked resourceVersion (504 with cause
    /// `ResourceVersionTooLarge`), as after an etcd restore: only a fresh list helps.
    public var isResourceVersionTooLarge: Bool {
        status?.details?.causes.contains { $0.reason == "ResourceVersionTooLarge" } ?? false
    }
    public var isTooManyRequests: Bool { statusCode == 429 }
    public var isInvalid: Bool { statusCode == 422 }
    public var isForbidden: Bool { statusCode == 403 }
    public var isUnauthorized: Bool { statusCode == 401 }
    public var isServerError: Bool { (statusCode ?? 0) >= 500 }

    public var description: String {
        switch kind {
        case .api(let code, let s): return "kubernetes API error \(code) \(s.reason ?? ""): \(s.message ?? "")"
        case .transport(let m, _): return "kubernetes transport error: \(m)"
        case .decoding(let m): return "kubernetes response not understood: \(m)"
        case .invalidRequest(let m): return "invalid kubernetes request: \(m)"
        }
    }

    static func reasonForCode(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return code >= 500 ? "InternalError" : ""
        }
    }
}
