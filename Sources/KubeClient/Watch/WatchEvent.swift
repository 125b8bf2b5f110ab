import DozeJSON

/// One event of a raw watch stream.
public enum WatchEvent<T: JSONView>: Sendable {
    case added(T)
    case modified(T)
    /// The object's last state, with the resourceVersion of the delete.
    case deleted(T)
    /// A progress marker: nothing to report, but the watch has reached this revision.
    case bookmark(resourceVersion: String)
    /// An ERROR event: the server's Status as an error (410 Expired: the resourceVersion is too
    /// old, relist). The server ends the stream after it.
    case error(KubeError)

    /// The object's resourceVersion (or the bookmark's); nil for errors.
    public var resourceVersion: String? {
        switch self {
        case .added(let o), .modified(let o), .deleted(let o): return o.json[path: "metadata", "resourceVersion"].string
        case .bookmark(let rv): return rv
        case .error: return nil
        }
    }

    /// Decodes one line of a watch stream: `{"type":"ADDED","object":{...}}`.
    public init(line: [UInt8]) throws(KubeError) {
        let json: JSON
        do { json = try JSON(parsing: line) } catch {
            throw KubeError.decoding("watch event is not JSON: \(error)")
        }
        let object = json["object"]
        switch json["type"].string {
        case "ADDED": self = .added(T(json: object))
        case "MODIFIED": self = .modified(T(json: object))
        case "DELETED": self = .deleted(T(json: object))
        case "BOOKMARK": self = .bookmark(resourceVersion: object[path: "metadata", "resourceVersion"].string ?? "")
        case "ERROR":
            let status = Status(json: object)
            self = .error(KubeError.api(code: status.code ?? 500, status: status))
        default:
            throw KubeError.decoding("watch event of unknown type \(json["type"].serialized())")
        }
    }
}
