import DozeJSON

/// A parsed CEL rule from the subset this server evaluates. Placeholder until the evaluator lands:
/// every rule is outside the subset, so none is evaluated.
struct CELExpression: Sendable, Equatable {
    struct Unsupported: Error {}
    init(parsing rule: String) throws(Unsupported) { throw Unsupported() }
    func evaluate(self value: JSON) -> JSON? { nil }
}
