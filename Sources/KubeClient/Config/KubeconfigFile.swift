import DozeJSON
import Foundation

/// The named clusters, users and contexts of one or more kubeconfig files, merged the way kubectl
/// merges `KUBECONFIG`: the first file to define a name wins, and the first non-empty
/// current-context wins. Each entry remembers its file, because relative paths in it are relative
/// to that file's directory.
struct KubeconfigFile: Sendable {
    struct Entry: Sendable {
        let name: String
        let body: JSON
        let file: String
        var directory: String { (file as NSString).deletingLastPathComponent }
    }

    var clusters: [String: Entry] = [:]
    var users: [String: Entry] = [:]
    var contexts: [String: Entry] = [:]
    var currentContext: String? = nil
    var files: [String] = []

    var isEmpty: Bool { clusters.isEmpty && users.isEmpty && contexts.isEmpty && currentContext == nil }

    /// Reads and parses one file.
    static func read(path: String) throws -> KubeconfigFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeConfigError(.unreadable(path: path, reason: Self.reason(error)))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeConfigError(.unreadable(path: path, reason: "not UTF-8 text"))
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> KubeconfigFile {
        let root = try YAML.parse(text, source: path)
        var file = KubeconfigFile(files: [path])
        guard !root.isNull else { return file }
        guard root.object != nil else {
            throw KubeConfigError(.malformed(path: path, message: "the top level must be a mapping"))
        }
        file.clusters = try entries(root, "clusters", body: "cluster", path: path)
        file.users = try entries(root, "users", body: "user", path: path)
        file.contexts = try entries(root, "contexts", body: "context", path: path)
        switch root["current-context"] {
        case .null: break
        case let v:
            guard let name = KubeconfigValue.string(v) else {
                throw KubeConfigError(.malformed(path: path, message: "current-context must be a string"))
            }
            file.currentContext = name.isEmpty ? nil : name
        }
        return file
    }

    /// `clusters: [{name: x, cluster: {...}}]` → name → entry. A name twice in one file is an
    /// error, as in client-go's conversion.
    private static func entries(_ root: JSON, _ key: String, body: String, path: String) throws -> [String: Entry] {
        let list: [JSON]
        switch root[key] {
        case .null: return [:]
        case .array(let a): list = a
        default: throw KubeConfigError(.malformed(path: path, message: "\(key) must be a list"))
        }
        var out: [String: Entry] = [:]
        for (i, item) in list.enumerated() {
            guard let name = KubeconfigValue.string(item["name"]), !name.isEmpty else {
                throw KubeConfigError(.malformed(path: path, message: "\(key)[\(i)] has no name"))
            }
            let value = item[body]
            guard value.isNull || value.object != nil else {
                throw KubeConfigError(.malformed(path: path, message: "\(key)[\(i)] (\(name)): \(body) must be a mapping"))
            }
            if out[name] != nil {
                throw KubeConfigError(.malformed(path: path, message: "\(key): duplicate name '\(name)'"))
            }
            out[name] = Entry(name: name, body: value.isNull ? .object([:]) : value, file: path)
        }
        return out
    }

    /// Adds what `later` defines and this does not (kubectl's merge: first definition wins).
    mutating func merge(_ later: KubeconfigFile) {
        clusters.merge(later.clusters) { first, _ in first }
        users.merge(later.users) { first, _ in first }
        contexts.merge(later.contexts) { first, _ in first }
        if currentContext == nil { currentContext = later.currentContext }
        files += later.files
    }

    /// Reads and merges `paths` in order; `skipMissing` for KUBECONFIG lists.
    static func merged(_ paths: [String], skipMissing: Bool) throws -> KubeconfigFile {
        var result = KubeconfigFile()
        for path in paths {
            if skipMissing && !FileManager.default.fileExists(atPath: path) { continue }
            result.merge(try read(path: path))
        }
        return result
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let posix = e.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(posix.code)))
        }
        if let e = error as? CocoaError {
            switch e.code {
            case .fileReadNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            default: break
            }
        }
        return "\(error.localizedDescription)"
    }
}

/// Lenient readers for kubeconfig values: kubeconfig values are strings, but YAML types `true`
/// or `12345` unless quoted, so read those back as text too.
enum KubeconfigValue {
    static func string(_ v: JSON) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .double(let d): return String(d)
        default: return nil
        }
    }

    static func bool(_ v: JSON) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .string(let s) where ["true", "false"].contains(s.lowercased()): return s.lowercased() == "true"
        default: return nil
        }
    }

    /// Base64 as kubectl writes it (standard alphabet; whitespace tolerated).
    static func base64(_ v: JSON) -> [UInt8]? {
        guard let s = string(v) else { return nil }
        let compact = s.filter { !$0.isWhitespace }
        return Data(base64Encoded: compact).map { [UInt8]($0) }
    }
}
