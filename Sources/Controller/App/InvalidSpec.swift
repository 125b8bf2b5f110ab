import DozeJSON

/// Everything wrong with an App's spec, each problem under its field path
/// (`spec.containerOptions.memory: invalid quantity "12x"`). The reconciler turns it into a
/// `Ready=False` condition with reason `InvalidSpec` and an Event, so the message must make sense
/// to someone who only sees `kubectl describe`.
public struct InvalidSpec: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem: the field it is about and what is wrong with it.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let field: String
        public let message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        public var description: String { "\(field): \(message)" }
    }

    /// In the order the fields were checked (spec order), so messages are stable.
    public let problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    /// The condition reason the reconciler uses.
    public static let reason = "InvalidSpec"

    /// All problems on one line, for a condition message.
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Collects problems while a spec is parsed, so that one pass reports all of them rather than the
/// first only (a user fixing a spec should not have to apply it once per mistake).
struct ProblemList {
    private(set) var problems: [InvalidSpec.Problem] = []

    var isEmpty: Bool { problems.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        problems.append(.init(field: field, message: message))
    }

    /// Reads a value of the expected JSON type, recording a problem when the type is wrong.
    mutating func typed<T>(_ value: JSON, at field: String, as type: String, _ read: (JSON) -> T?) -> T? {
        if value.isNull { return nil }
        if let v = read(value) { return v }
        add(field, "must be \(type), not \(value.typeName)")
        return nil
    }

    func finish() throws(InvalidSpec) {
        if !problems.isEmpty { throw InvalidSpec(problems: problems) }
    }
}
