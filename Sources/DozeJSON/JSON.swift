/// A JSON value. Kubernetes objects are trees of these: the API server stores them, patches edit
/// them, and KubeClient's models are typed views over them, so no field is ever lost in a round trip.
///
/// Integers and floating-point numbers are kept apart because Kubernetes distinguishes them
/// (`replicas: 1` is an integer; `1.0` fails an `integer` schema).
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
}

extension JSON {
    public static let emptyObject = JSON.object([:])

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var object: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }

    /// An integer, also from a double with no fractional part (what JSONSerialization-style
    /// encoders emit for `1.0`).
    public var int: Int? {
        switch self {
        case .int(let i): return Int(i)
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Member access that yields `.null` for a missing key or a non-object, so that deep reads
    /// such as `obj["metadata"]["labels"]["app"].string` need no optional chaining.
    /// Setting `.null` removes the key; setting through a non-object turns it into an object.
    public subscript(key: String) -> JSON {
        get {
            if case .object(let o) = self { return o[key] ?? .null }
            return .null
        }
        set {
            var o = object ?? [:]
            if case .null = newValue { o.removeValue(forKey: key) } else { o[key] = newValue }
            self = .object(o)
        }
    }

    /// Element access; out of range or a non-array reads as `.null`.
    public subscript(index: Int) -> JSON {
        get {
            if case .array(let a) = self, a.indices.contains(index) { return a[index] }
            return .null
        }
        set {
            guard case .array(var a) = self, a.indices.contains(index) else { return }
            a[index] = newValue
            self = .array(a)
        }
    }

    /// Reads a dotted path of object keys: `obj[path: "metadata", "name"]`.
    public subscript(path keys: String...) -> JSON {
        get { keys.reduce(self) { $0[$1] } }
        set { setValue(newValue, at: keys[...]) }
    }

    private mutating func setValue(_ value: JSON, at keys: ArraySlice<String>) {
        guard let first = keys.first else { self = value; return }
        var child = self[first]
        child.setValue(value, at: keys.dropFirst())
        self[first] = child
    }

    /// A human-readable type name, for validation messages ("string", "integer", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o: [String: JSON] = [:]
        o.reserveCapacity(elements.count)
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSON {
    public init(_ s: String) { self = .string(s) }
    public init(_ i: Int) { self = .int(Int64(i)) }
    public init(_ b: Bool) { self = .bool(b) }
    public init(_ strings: [String]) { self = .array(strings.map(JSON.string)) }
    public init(_ map: [String: String]) { self = .object(map.mapValues(JSON.string)) }
}
