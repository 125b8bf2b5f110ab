import DozeJSON

/// A typed view over a JSON subtree. The tree is the truth: accessors read and write it in place,
/// so fields a view does not name survive a decode → encode round trip untouched.
public protocol JSONView: Sendable, Hashable {
    var json: JSON { get set }
    init(json: JSON)
}

extension JSONView {
    /// Reads a string member.
    func string(_ key: String) -> String? { json[key].string }
    func int(_ key: String) -> Int? { json[key].int }
    func bool(_ key: String) -> Bool? { json[key].bool }

    /// Writes a member; nil removes it.
    mutating func set(_ key: String, _ value: String?) { json[key] = value.map(JSON.string) ?? .null }
    mutating func set(_ key: String, _ value: Int?) { json[key] = value.map { JSON.int(Int64($0)) } ?? .null }
    mutating func set(_ key: String, _ value: Bool?) { json[key] = value.map(JSON.bool) ?? .null }

    /// A string-to-string map member (labels, annotations, selectors, ConfigMap data).
    func stringMap(_ key: String) -> [String: String] {
        json[key].object?.compactMapValues(\.string) ?? [:]
    }

    /// Writes a map; an empty map removes the key (what the API server does with `{}` anyway).
    mutating func set(_ key: String, _ map: [String: String]) {
        json[key] = map.isEmpty ? .null : JSON(map)
    }

    func stringArray(_ key: String) -> [String] { json[key].array?.compactMap(\.string) ?? [] }

    mutating func set(_ key: String, _ strings: [String]) {
        json[key] = strings.isEmpty ? .null : JSON(strings)
    }

    /// An array of views (conditions, ports, endpoints).
    func views<V: JSONView>(_ key: String) -> [V] { json[key].array?.map { V(json: $0) } ?? [] }

    mutating func set<V: JSONView>(_ key: String, _ views: [V]) {
        json[key] = .array(views.map(\.json))
    }

    /// A nested view; writing an empty object removes the key.
    func view<V: JSONView>(_ key: String) -> V { V(json: json[key]) }

    mutating func set<V: JSONView>(_ key: String, _ view: V) {
        if case .object(let o) = view.json, o.isEmpty { json[key] = .null } else { json[key] = view.json }
    }
}

/// A view over anything: for parts Doze does not model (a pod template, a CRD schema).
public struct JSONObjectView: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }
}
