import Foundation

public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET", head = "HEAD", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
}

/// One query parameter, kept in the order it was added so tests can compare exact query strings.
public struct QueryItem: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request to the API server as a plain value: built by pure functions, sent by a transport.
public struct KubeRequest: Sendable, Hashable {
    public var method: HTTPMethod
    /// Absolute path below the server URL, already escaped (`/api/v1/namespaces/a/pods`).
    public var path: String
    public var query: [QueryItem]
    /// Header names as written; the transport adds Authorization, User-Agent and Accept.
    public var headers: [String: String]
    public var body: [UInt8]?
    /// For watches: how long the connection may stay silent before the client gives up. nil
    /// means the client's default request timeout.
    public var idleTimeout: Double?

    public init(method: HTTPMethod, path: String, query: [QueryItem] = [], headers: [String: String] = [:],
                body: [UInt8]? = nil, idleTimeout: Double? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.idleTimeout = idleTimeout
    }

    /// `a=1&b=2` with names and values escaped, or "" when there is no query.
    public var queryString: String {
        query.map { "\(PathEncoding.query($0.name))=\(PathEncoding.query($0.value))" }.joined(separator: "&")
    }

    /// Path plus query, as sent on the request line.
    public var target: String { query.isEmpty ? path : "\(path)?\(queryString)" }

    /// The full URL on a server such as `https://10.0.0.1:6443` (a path in the server URL, as
    /// behind some proxies, is kept).
    public func url(on server: URL) -> URL? {
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + target)
    }

    public var contentType: String? {
        headers.first { $0.key.lowercased() == "content-type" }?.value
    }

    /// Whether sending this request twice leaves the server as sending it once, so a retry after
    /// a 5xx or a lost connection is safe. GET, HEAD, PUT and DELETE are. POST (create) is not: a
    /// retry could create a second object from a `generateName`, or report AlreadyExists for the
    /// object the first attempt made. PATCH depends on its type: a JSON merge patch and a
    /// server-side apply state the end result, so they are idempotent; a JSON patch (`add` to an
    /// array, `test`) and a strategic merge patch (list directives) may not be, so they are not
    /// retried.
    public var isIdempotent: Bool {
        switch method {
        case .get, .head, .put, .delete: return true
        case .post: return false
        case .patch:
            let type = contentType?.split(separator: ";").first.map(String.init) ?? ""
            return type == PatchContentType.merge || type == PatchContentType.apply
        }
    }
}

/// The Content-Type of each patch flavour; the server picks the algorithm from it.
public enum PatchContentType {
    public static let merge = "application/merge-patch+json"
    public static let json = "application/json-patch+json"
    public static let strategic = "application/strategic-merge-patch+json"
    public static let apply = "application/apply-patch+yaml"
}
