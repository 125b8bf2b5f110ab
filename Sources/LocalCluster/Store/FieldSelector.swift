import DozeJSON

/// A parsed field selector (`metadata.name=web,status.phase!=Running`). Only the fields a kind
/// supports may be used; any other gives 400 BadRequest as kube-apiserver does.
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public var field: String
        public var value: String
        public var negated: Bool
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) { self.requirements = requirements }

    public static let everything = FieldSelector()

    public var isEmpty: Bool { requirements.isEmpty }

    public static func name(_ name: String) -> FieldSelector {
        FieldSelector([Requirement(field: "metadata.name", value: name, negated: false)])
    }

    public init(parsing text: String) throws(APIError) {
        var reqs: [Requirement] = []
        for term in text.split(separator: ",", omittingEmptySubsequences: true) {
            let t = String(term).trimmingSpaces()
            let ops: [(String, Bool)] = [("!=", true), ("==", false), ("=", false)]
            guard let (op, neg) = ops.first(where: { t.contains($0.0) }), let r = t.range(of: op) else {
                throw .badRequest("invalid selector: '\(text)'; can't understand '\(t)'")
            }
            reqs.append(Requirement(field: String(t[..<r.lowerBound]).trimmingSpaces(),
                                    value: String(t[r.upperBound...]).trimmingSpaces(), negated: neg))
        }
        requirements = reqs
    }

    /// Rejects fields the kind cannot select on.
    public func check(supported type: ResourceType) throws(APIError) {
        for r in requirements where !Self.isSupported(r.field, type) {
            throw .badRequest("field label not supported: \(r.field)")
        }
    }

    static func isSupported(_ field: String, _ type: ResourceType) -> Bool {
        field == "metadata.name" || field == "metadata.namespace" || type.selectableFields.contains(field)
    }

    public func matches(object: JSON) -> Bool {
        requirements.allSatisfy { r in
            let actual = Self.value(of: r.field, in: object)
            return (actual == r.value) != r.negated
        }
    }

    /// The string a field selector compares: missing fields read as "".
    static func value(of field: String, in object: JSON) -> String {
        var node = object
        for part in field.split(separator: ".") { node = node[String(part)] }
        switch node {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        default: return ""
        }
    }

    /// The single `metadata.name=X` this selector pins, if any (lets the store skip a scan).
    var pinnedName: String? {
        requirements.first { $0.field == "metadata.name" && !$0.negated }?.value
    }
}
