import DozeJSON

/// The `--static-routes` file: a JSON array of
/// `{"host": "a.example.com", "path": "/x", "stripPath": true, "upstreams": ["127.0.0.1:8080"]}`.
/// `host` empty or absent means any host; `path` absent means `/`; `stripPath` defaults to false.
public enum StaticRoutesFile {
    /// Parses the file's bytes. Errors name the entry index and the field.
    public static func parse(_ bytes: [UInt8]) throws(StaticRoutesError) -> [Route] {
        let json: JSON
        do { json = try JSON(parsing: bytes) } catch { throw StaticRoutesError(entry: nil, field: nil, message: error.description) }
        guard let entries = json.array else {
            throw StaticRoutesError(entry: nil, field: nil, message: "expected a JSON array of routes, found \(json.typeName)")
        }
        var routes: [Route] = []
        var seen: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            let r = try route(entry, index: i)
            let key = (r.host ?? "") + " " + r.path
            if let first = seen[key] {
                throw StaticRoutesError(entry: i, field: "path",
                                        message: "duplicate of entry \(first) (same host and path \(r.name))")
            }
            seen[key] = i
            routes.append(r)
        }
        return routes
    }

    private static let knownFields: Set<String> = ["host", "path", "stripPath", "upstreams"]

    private static func route(_ entry: JSON, index i: Int) throws(StaticRoutesError) -> Route {
        func fail(_ field: String?, _ message: String) -> StaticRoutesError {
            StaticRoutesError(entry: i, field: field, message: message)
        }
        guard let object = entry.object else { throw fail(nil, "expected an object, found \(entry.typeName)") }
        if let unknown = object.keys.sorted().first(where: { !knownFields.contains($0) }) {
            throw fail(unknown, "unknown field (known: host, path, stripPath, upstreams)")
        }
        let host = try optionalString(entry["host"], "host", fail)
        let path = try optionalString(entry["path"], "path", fail)
        var strip = false
        if !entry["stripPath"].isNull {
            guard let b = entry["stripPath"].bool else { throw fail("stripPath", "expected true or false, found \(entry["stripPath"].typeName)") }
            strip = b
        }
        guard let list = entry["upstreams"].array else {
            throw fail("upstreams", entry["upstreams"].isNull ? "missing" : "expected an array of strings, found \(entry["upstreams"].typeName)")
        }
        guard !list.isEmpty else { throw fail("upstreams", "must list at least one upstream") }
        var upstreams: [Upstream] = []
        for (j, item) in list.enumerated() {
            guard let text = item.string else { throw fail("upstreams[\(j)]", "expected a string, found \(item.typeName)") }
            do { upstreams.append(try Upstream(parsing: text)) } catch { throw fail("upstreams[\(j)]", "\"\(text)\": \(error)") }
        }
        do {
            return try Route(host: host, path: path, stripPath: strip, upstreams: upstreams)
        } catch {
            throw fail(error.field, error.description)
        }
    }

    private static func optionalString(_ value: JSON, _ field: String, _ fail: (String?, String) -> StaticRoutesError)
        throws(StaticRoutesError) -> String? {
        if value.isNull { return nil }
        guard let s = value.string else { throw fail(field, "expected a string, found \(value.typeName)") }
        return s
    }
}

/// A routes file that cannot be used: which entry, which field, and why.
public struct StaticRoutesError: Error, Sendable, Equatable, CustomStringConvertible {
    public let entry: Int?
    public let field: String?
    public let message: String

    public var description: String {
        var s = "routes"
        if let entry { s += " entry \(entry)" }
        if let field { s += " field \"\(field)\"" }
        return s + ": " + message
    }
}
