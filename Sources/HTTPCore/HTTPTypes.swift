/// A request whose body has been read in full (the simple, async server API).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query, e.g. `/api/v1/pods?watch=true`.
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer as `ip:port`.
    public var remoteAddress: String

    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                remoteAddress: String = "127.0.0.1:0") {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The path part of the target, still percent-encoded.
    public var path: Substring {
        target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
    }

    /// The raw query string after `?`, or nil.
    public var query: Substring? {
        target.firstIndex(of: "?").map { target[target.index(after: $0)...] }
    }
}

/// A response for the simple server API: whole bytes, or a stream sent with chunked encoding
/// and flushed chunk by chunk (watches, logs). When the client goes away the server stops
/// iterating the stream, which fires the stream's `onTermination`.
public struct HTTPResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(AsyncStream<[UInt8]>)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.init(status: status, headers: ["Content-Type": contentType], body: .bytes(body))
    }
}
