/// HTTP version of a message; only 1.0 and 1.1 are accepted by the parsers.
public struct HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    public static let http11 = HTTPVersion(major: 1, minor: 1)
    public static let http10 = HTTPVersion(major: 1, minor: 0)
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// How a message body is delimited on the wire.
public enum HTTPBodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
    /// Response bodies only: the body runs until the connection closes.
    case untilClose
}

/// A parsed request line and header block; the body follows as parser events.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The request target as sent, e.g. `/api/v1/pods?watch=true`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Whether the connection may carry another request after this one (version and Connection).
    public var keepAlive: Bool
    public var framing: HTTPBodyFraming
    /// `Expect: 100-continue` was sent: the client waits for a 100 (or a final status) before the body.
    public var expectsContinue: Bool
    /// The `Upgrade` header's value when `Connection` names `upgrade` (e.g. `websocket`).
    public var upgrade: String?

    public init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(),
                keepAlive: Bool = true, framing: HTTPBodyFraming = .none, expectsContinue: Bool = false,
                upgrade: String? = nil) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive
        self.framing = framing
        self.expectsContinue = expectsContinue
        self.upgrade = upgrade
    }

    public var isConnect: Bool { method == "CONNECT" }
    /// After this request the connection may stop speaking HTTP (CONNECT or an upgrade offer).
    public var mayUpgrade: Bool { isConnect || upgrade != nil }
}

/// A parsed status line and header block.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var keepAlive: Bool
    public var framing: HTTPBodyFraming

    public init(status: Int, reason: String = "", version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(),
                keepAlive: Bool = true, framing: HTTPBodyFraming = .none) {
        self.status = status
        self.reason = reason
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive
        self.framing = framing
    }

    public var isInformational: Bool { status >= 100 && status < 200 }
}

/// One step of a parser: what the bytes given so far mean.
public enum HTTPParserEvent<Head: Sendable & Equatable>: Sendable, Equatable {
    /// Nothing more can be parsed: keep the bytes from the returned position and call again
    /// with them followed by whatever arrives next.
    case needMore
    case head(Head)
    /// Body bytes at these offsets of the buffer just given (chunk framing already removed).
    case body(Range<Int>)
    /// The message is complete; trailer fields of a chunked body (usually none).
    case end(HTTPHeaders)
    /// The message is malformed; the parser stays in this state.
    case error(HTTPParseError)
}

/// Size caps the parsers enforce.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line (status line for responses) in bytes; beyond it a request gets 414.
    public var maxFirstLine: Int
    /// Largest head (first line and every header line) in bytes; beyond it a request gets 431.
    public var maxHead: Int
    public var maxHeaderCount: Int

    public init(maxFirstLine: Int = 8192, maxHead: Int = 32768, maxHeaderCount: Int = 200) {
        self.maxFirstLine = maxFirstLine
        self.maxHead = maxHead
        self.maxHeaderCount = maxHeaderCount
    }
}
