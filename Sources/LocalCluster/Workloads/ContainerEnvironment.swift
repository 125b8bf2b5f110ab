import DozeJSON

/// Where a container's env reads Secrets and ConfigMaps from: the runtime's owner injects this
/// (the store in a cluster, a dictionary in tests). A nil map means the object does not exist.
public struct ConfigSource: Sendable {
    public enum Kind: String, Sendable { case secret = "Secret", configMap = "ConfigMap" }
    /// Returns the object's string data (a Secret's values already base64-decoded), or nil if absent.
    public var lookup: @Sendable (_ kind: Kind, _ namespace: String, _ name: String) async -> [String: String]?

    public init(lookup: @escaping @Sendable (Kind, String, String) async -> [String: String]?) {
        self.lookup = lookup
    }

    public static let none = ConfigSource { _, _, _ in nil }
}

/// Why a container's configuration could not be built: kubelet reports these as the waiting reason
/// `CreateContainerConfigError` and retries.
public struct ContainerConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

/// A container's environment as kubelet builds it: `envFrom` first, then `env` in order, each
/// value expanded against the variables defined before it; then command and args expanded against
/// the whole environment.
struct ContainerEnvironment: Sendable, Equatable {
    /// Variables in definition order (a later definition of the same name wins in `values`).
    var ordered: [(name: String, value: String)] = []
    var values: [String: String] = [:]

    static func == (a: Self, b: Self) -> Bool { a.values == b.values }

    mutating func set(_ name: String, _ value: String) {
        ordered.removeAll { $0.name == name }
        ordered.append((name, value))
        values[name] = value
    }

    /// `NAME=value` strings for execve.
    var envp: [String] { ordered.map { "\($0.name)=\($0.value)" } }

    static func build(pod: JSON, container: JSON, podIP: String, hostIP: String,
                      config: ConfigSource) async throws(ContainerConfigError) -> ContainerEnvironment {
        var env = ContainerEnvironment()
        let namespace = pod[path: "metadata", "namespace"].string ?? "default"
        for source in container["envFrom"].array ?? [] {
            let prefix = source["prefix"].string ?? ""
            for (kind, ref) in [(ConfigSource.Kind.configMap, source["configMapRef"]),
                                (.secret, source["secretRef"])] where !ref.isNull {
                let name = ref["name"].string ?? ""
                guard let data = await config.lookup(kind, namespace, name) else {
                    if ref["optional"].bool == true { continue }
                    throw ContainerConfigError(description: "\(kind.rawValue.lowercased()) \"\(name)\" not found")
                }
                for key in data.keys.sorted() { env.set(prefix + key, data[key]!) }
            }
        }
        for item in container["env"].array ?? [] {
            guard let name = item["name"].string else { continue }
            if let raw = item["value"].string {
                env.set(name, VarExpansion.expand(raw, in: env.values))
            } else if !item["valueFrom"].isNull {
                if let value = try await resolve(item["valueFrom"], pod: pod, namespace: namespace,
                                                 podIP: podIP, hostIP: hostIP, config: config) {
                    env.set(name, value)
                }
            } else {
                env.set(name, "")
            }
        }
        return env
    }

    /// One `valueFrom`; nil when an optional reference is missing (kubelet then omits the variable).
    private static func resolve(_ from: JSON, pod: JSON, namespace: String, podIP: String, hostIP: String,
                                config: ConfigSource) async throws(ContainerConfigError) -> String? {
        if let path = from[path: "fieldRef", "fieldPath"].string {
            return try fieldValue(path, pod: pod, podIP: podIP, hostIP: hostIP)
        }
        for (kind, key) in [(ConfigSource.Kind.secret, "secretKeyRef"), (.configMap, "configMapKeyRef")] {
            let ref = from[key]
            guard !ref.isNull else { continue }
            let name = ref["name"].string ?? ""
            let optional = ref["optional"].bool == true
            guard let data = await config.lookup(kind, namespace, name) else {
                if optional { return nil }
                throw ContainerConfigError(description: "\(kind.rawValue.lowercased()) \"\(name)\" not found")
            }
            let k = ref["key"].string ?? ""
            guard let value = data[k] else {
                if optional { return nil }
                throw ContainerConfigError(description: "couldn't find key \(k) in \(kind.rawValue) \(namespace)/\(name)")
            }
            return value
        }
        if !from["resourceFieldRef"].isNull {
            // This runtime does no resource accounting, so there is no limit or request to report.
            return "0"
        }
        throw ContainerConfigError(description: "unsupported valueFrom \(from.serialized())")
    }

    /// The downward API fields kubelet supports for env.
    static func fieldValue(_ path: String, pod: JSON, podIP: String, hostIP: String) throws(ContainerConfigError) -> String {
        switch path {
        case "metadata.name": return pod[path: "metadata", "name"].string ?? ""
        case "metadata.namespace": return pod[path: "metadata", "namespace"].string ?? "default"
        case "metadata.uid": return pod[path: "metadata", "uid"].string ?? ""
        case "spec.nodeName": return pod[path: "spec", "nodeName"].string ?? ""
        case "spec.serviceAccountName": return pod[path: "spec", "serviceAccountName"].string ?? "default"
        case "status.podIP", "status.podIPs": return podIP
        case "status.hostIP", "status.hostIPs": return hostIP
        default: break
        }
        for field in ["labels", "annotations"] {
            let prefix = "metadata.\(field)['"
            if path.hasPrefix(prefix), path.hasSuffix("']") {
                let key = String(path.dropFirst(prefix.count).dropLast(2))
                return pod["metadata"][field][key].string ?? ""
            }
        }
        throw ContainerConfigError(description: "unsupported fieldRef fieldPath \"\(path)\"")
    }

    /// The argv kubelet would exec: command then args, each expanded; nil when the container has
    /// no command (its image's entrypoint would run, which this runtime cannot do).
    func argv(for container: JSON) -> [String]? {
        guard let command = container["command"].array?.compactMap(\.string), !command.isEmpty else { return nil }
        let args = container["args"].array?.compactMap(\.string) ?? []
        return (command + args).map { VarExpansion.expand($0, in: values) }
    }
}
