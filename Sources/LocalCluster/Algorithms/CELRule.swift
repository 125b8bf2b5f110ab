import DozeJSON

/// One `x-kubernetes-validations` entry. Its rule is evaluated by `CELExpression`, a small
/// subset of CEL; a rule outside that subset is not evaluated (it neither passes nor fails).
struct CELRule: Sendable, Equatable {
    let rule: String
    let message: String?
    let messageExpression: CELExpression?
    let reason: String?
    let fieldPath: String?
    let expression: CELExpression?

    init?(json: JSON) {
        guard let rule = json["rule"].string else { return nil }
        self.rule = rule
        message = json["message"].string
        messageExpression = json["messageExpression"].string.flatMap { try? CELExpression(parsing: $0) }
        reason = json["reason"].string
        fieldPath = json["fieldPath"].string
        expression = try? CELExpression(parsing: rule)
    }

    /// Whether the rule is a transition rule, run only on update with a correlated old value.
    var usesOldSelf: Bool { rule.contains("oldSelf") }

    /// A cause when the rule evaluates to false; nil when it holds, cannot be evaluated, or is a
    /// transition rule without an old value.
    func check(_ value: JSON, old: JSON?, schema: StructuralSchema, path: String) -> FieldCause? {
        if usesOldSelf && old == nil { return nil }
        guard let expression, case .bool(false)? = expression.evaluate(self: value, oldSelf: old) else { return nil }
        // The value shown is the schema type, as upstream does ("object", "string").
        let shown = JSON.string(schema.type ?? value.typeName)
        // messageExpression wins when it yields a non-empty string, as upstream; else message.
        var detail = message ?? "failed rule: \(rule)"
        if case .string(let m)? = messageExpression?.evaluate(self: value, oldSelf: old), !m.isEmpty { detail = m }
        var field = path
        if let fieldPath { field = path + (fieldPath.hasPrefix(".") ? fieldPath : "." + fieldPath) }
        var cause = FieldCause.invalid(field, shown, detail)
        switch reason {
        case "FieldValueForbidden": cause = .forbidden(field, detail)
        case "FieldValueRequired": cause = .required(field, detail)
        case "FieldValueDuplicate": cause = FieldCause(reason: "FieldValueDuplicate", message: "Duplicate value: \(shown.goDescription)", field: field)
        default: break
        }
        return cause
    }
}
