/// Sends one HTTP request to the API server, with no policy: no retries, auth or rate limit
/// (`RequestExecutor` adds those). The URLSession implementation is the real one; tests and
/// other users may substitute their own.
public protocol HTTPTransport: Sendable {
    /// Sends a request and reads the whole response. Throws a transport `KubeError` (or
    /// CancellationError) when no HTTP response arrives; any status code is a normal return.
    func send(_ request: KubeRequest) async throws -> TransportResponse

    /// Sends a request and returns as soon as the response head arrives; the body comes as
    /// lines (newline-delimited, without the newline) as fast as the server writes them. Ending
    /// the iteration (or cancelling the consuming task) closes the connection.
    func stream(_ request: KubeRequest) async throws -> TransportStream
}

public struct TransportResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

public struct TransportStream: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var lines: AsyncThrowingStream<[UInt8], any Error>

    public init(status: Int, headers: [String: String], lines: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.headers = headers
        self.lines = lines
    }

    /// Reads the rest of the body (for an error status, whose body is a Status).
    public func collectBody(limit: Int = 1 << 20) async throws -> [UInt8] {
        var body: [UInt8] = []
        for try await line in lines {
            if !body.isEmpty { body.append(0x0A) }
            body.append(contentsOf: line)
            if body.count > limit { break }
        }
        return body
    }
}
