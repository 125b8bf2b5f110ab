import DozeJSON

/// One cause of a 422 Invalid (or a structural-schema rejection), as kube-apiserver puts it in
/// `Status.details.causes[]`: `reason` is the field error type (`FieldValueRequired`...),
/// `message` the text without the field (`Required value`), `field` the dotted path
/// (`spec.items[0].name`). `description` is the `field: message` form used in Status.message.
public struct FieldCause: Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var message: String
    public var field: String

    public init(reason: String, message: String, field: String) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }

    /// The cause as a Status `details.causes[]` element.
    public var json: JSON { ["reason": .string(reason), "message": .string(message), "field": .string(field)] }

    // The constructors mirror k8s.io/apimachinery/pkg/util/validation/field.

    static func required(_ field: String, _ detail: String = "") -> FieldCause {
        FieldCause(reason: "FieldValueRequired", message: join("Required value", detail), field: field)
    }

    static func invalid(_ field: String, _ value: JSON, _ detail: String) -> FieldCause {
        FieldCause(reason: "FieldValueInvalid", message: join("Invalid value: \(value.goDescription)", detail), field: field)
    }

    static func typeInvalid(_ field: String, _ value: JSON, _ detail: String) -> FieldCause {
        FieldCause(reason: "FieldValueTypeInvalid", message: join("Invalid value: \(value.goDescription)", detail), field: field)
    }

    static func notSupported(_ field: String, _ value: JSON, _ supported: [JSON]) -> FieldCause {
        let quoted = supported.map { JSON.string($0.string ?? $0.serialized()).goDescription }
        let detail = quoted.isEmpty ? "" : "supported values: " + quoted.joined(separator: ", ")
        return FieldCause(reason: "FieldValueNotSupported", message: join("Unsupported value: \(value.goDescription)", detail), field: field)
    }

    /// Too long: the value itself is left out of the message, as upstream does.
    static func tooLong(_ field: String, max: Int) -> FieldCause {
        FieldCause(reason: "FieldValueTooLong", message: "Too long: may not be longer than \(max)", field: field)
    }

    static func tooMany(_ field: String, actual: Int, max: Int) -> FieldCause {
        FieldCause(reason: "FieldValueTooMany", message: "Too many: \(actual): must have at most \(max) items", field: field)
    }

    static func duplicate(_ field: String, _ value: JSON) -> FieldCause {
        FieldCause(reason: "FieldValueDuplicate", message: "Duplicate value: \(value.goDescription)", field: field)
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldCause {
        FieldCause(reason: "FieldValueForbidden", message: join("Forbidden", detail), field: field)
    }

    private static func join(_ head: String, _ detail: String) -> String {
        detail.isEmpty ? head : "\(head): \(detail)"
    }
}

extension JSON {
    /// A value as Go's field errors print it: strings quoted (`%q`), numbers and booleans bare,
    /// null as `null`, objects and arrays as JSON.
    var goDescription: String {
        switch self {
        case .string(let s): return JSON.goQuote(s)
        case .double(let d): return JSON.goNumber(d)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: return serialized()
        }
    }

    /// Go's `strconv.Quote` for the characters that occur in practice.
    static func goQuote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 { out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Go's `%v` of a float64: whole numbers without a fraction.
    static func goNumber(_ d: Double) -> String {
        if d.rounded() == d && abs(d) < 1e21 { return String(Int64(d)) }
        return String(d)
    }
}
