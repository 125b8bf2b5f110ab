/// Failures of HTTPCore's socket layer: a struct wrapping a private enum.
public struct HTTPCoreError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case system(String, Int32)
        case connectTimeout, responseTimeout, closed, upstreamProtocol(String)
    }
    let kind: Kind

    static func system(_ call: String, _ negErrno: Int32) -> HTTPCoreError { HTTPCoreError(kind: .system(call, -negErrno)) }
    static let connectTimeout = HTTPCoreError(kind: .connectTimeout)
    static let responseTimeout = HTTPCoreError(kind: .responseTimeout)
    static let closed = HTTPCoreError(kind: .closed)
    static func upstreamProtocol(_ why: String) -> HTTPCoreError { HTTPCoreError(kind: .upstreamProtocol(why)) }

    /// The error is a timeout (a proxy answers 504 rather than 502).
    public var isTimeout: Bool { kind == .connectTimeout || kind == .responseTimeout }
    public var isConnectFailure: Bool {
        if case .system(let call, _) = kind { return call == "connect" || call.hasPrefix("resolve") }
        return kind == .connectTimeout
    }

    /// The system error number (e.g. 111 for ECONNREFUSED, 104 for ECONNRESET) when the error
    /// comes from a failed system call; nil for timeouts, closes, protocol errors and name
    /// resolution failures (getaddrinfo's codes are not errno values).
    public var errno: Int32? {
        if case .system(let call, let e) = kind, !call.hasPrefix("resolve") { return e }
        return nil
    }

    /// The failed call's name (`connect`, `read`, `resolve HOST`) for system failures.
    public var systemCall: String? {
        if case .system(let call, _) = kind { return call }
        return nil
    }

    /// The upstream sent something that is not valid HTTP.
    public var isProtocolError: Bool {
        if case .upstreamProtocol = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case .system(let call, let errno): return "\(call) failed: errno \(errno)"
        case .connectTimeout: return "upstream connect timed out"
        case .responseTimeout: return "upstream response headers timed out"
        case .closed: return "connection closed"
        case .upstreamProtocol(let why): return "upstream protocol error: \(why)"
        }
    }
}
