import DozeJSON

/// OpenAPI validation of a custom resource, with the causes kube-apiserver reports (its
/// kube-openapi validator's texts, converted to field errors as apiextensions-apiserver does).
extension StructuralSchema {
    /// Every violation in `obj`, in a stable order (fields sorted by name). Call after `prune` and
    /// `applyDefaults`, as kube-apiserver does. On update, pass the stored object as `old`: CEL
    /// transition rules (those using `oldSelf`) run only where an old value correlates (object
    /// fields, and list-map elements by key), as upstream does.
    public func validate(_ obj: JSON, old: JSON? = nil) -> [FieldCause] {
        var causes: [FieldCause] = []
        validateNode(obj, old: old, path: "", into: &causes)
        return causes
    }

    func validateNode(_ value: JSON, old: JSON? = nil, path: String, into causes: inout [FieldCause]) {
        if value.isNull && (nullable || type == nil && !intOrString) { return }
        guard checkType(value, path: path, into: &causes) else { return }
        if let enumValues, !enumValues.contains(where: { $0.jsonEquals(value) }) {
            causes.append(.notSupported(path, value, enumValues))
        }
        switch value {
        case .string(let s): validateString(s, path: path, into: &causes)
        case .int, .double: validateNumber(value, path: path, into: &causes)
        case .array(let items): validateArray(items, old: old?.array, path: path, into: &causes)
        case .object(let members): validateObject(members, old: old?.object, path: path, into: &causes)
        default: break
        }
        validateJunctors(value, path: path, into: &causes)
        for rule in rules {
            if let cause = rule.check(value, old: old, schema: self, path: path) { causes.append(cause) }
        }
    }

    /// The JSON type check; false stops validation of this node (as kube-openapi does).
    private func checkType(_ value: JSON, path: String, into causes: inout [FieldCause]) -> Bool {
        let ok: Bool
        let expected: String
        if intOrString {
            expected = "integer,string"
            ok = value.int != nil || value.string != nil
        } else if let type {
            expected = type
            switch type {
            case "integer": ok = value.int != nil
            case "number": ok = value.double != nil
            case "string": ok = value.string != nil
            case "boolean": ok = value.bool != nil
            case "object": ok = value.object != nil
            case "array": ok = value.array != nil
            default: ok = true
            }
        } else {
            return true
        }
        if !ok {
            let actual = JSON.string(value.typeName)
            causes.append(.typeInvalid(path, actual, "\(path) in body must be of type \(expected): \(actual.goDescription)"))
        }
        return ok
    }

    private func validateString(_ s: String, path: String, into causes: inout [FieldCause]) {
        let length = s.unicodeScalars.count
        if let maxLength, length > maxLength { causes.append(.tooLong(path, max: maxLength)) }
        if let minLength, length < minLength {
            causes.append(.invalid(path, .string(s), "\(path) in body should be at least \(minLength) chars long"))
        }
        if let pattern, let regex = try? Regex(pattern), s.firstMatch(of: regex) == nil {
            causes.append(.invalid(path, .string(s), "\(path) in body should match '\(pattern)'"))
        }
        if let format, !StringFormats.isValid(s, format: format) {
            let v = JSON.string(s)
            causes.append(.typeInvalid(path, v, "\(path) in body must be of type \(format): \(v.goDescription)"))
        }
    }

    private func validateNumber(_ value: JSON, path: String, into causes: inout [FieldCause]) {
        guard let d = value.double else { return }
        if let maximum, let max = maximum.double, exclusiveMaximum ? d >= max : d > max {
            let op = exclusiveMaximum ? "less than" : "less than or equal to"
            causes.append(.invalid(path, value, "\(path) in body should be \(op) \(maximum.goDescription)"))
        }
        if let minimum, let min = minimum.double, exclusiveMinimum ? d <= min : d < min {
            let op = exclusiveMinimum ? "greater than" : "greater than or equal to"
            causes.append(.invalid(path, value, "\(path) in body should be \(op) \(minimum.goDescription)"))
        }
        if let multipleOf, multipleOf > 0, (d / multipleOf).rounded() != d / multipleOf {
            causes.append(.invalid(path, value, "\(path) in body should be a multiple of \(JSON.goNumber(multipleOf))"))
        }
    }

    private func validateArray(_ items: [JSON], old: [JSON]?, path: String, into causes: inout [FieldCause]) {
        if let maxItems, items.count > maxItems { causes.append(.tooMany(path, actual: items.count, max: maxItems)) }
        if let minItems, items.count < minItems {
            causes.append(.invalid(path, .int(Int64(items.count)), "\(path) in body should have at least \(minItems) items"))
        }
        if uniqueItems, hasDuplicates(items) {
            causes.append(.invalid(path, "", "\(path) in body shouldn't contain duplicates"))
        }
        listTypeDuplicates(items, path: path, into: &causes)
        guard let schema = self.items else { return }
        for (i, item) in items.enumerated() {
            schema.validateNode(item, old: correlated(item, in: old), path: FieldPath.index(path, i), into: &causes)
        }
    }

    /// The old element a list-map element corresponds to (same key values); other lists do not
    /// correlate, so transition rules below them are not run.
    private func correlated(_ item: JSON, in old: [JSON]?) -> JSON? {
        guard listType == "map", !listMapKeys.isEmpty, let old else { return nil }
        return old.first { o in listMapKeys.allSatisfy { o[$0].jsonEquals(item[$0]) } }
    }

    private func hasDuplicates(_ items: [JSON]) -> Bool {
        for i in items.indices { for k in items.indices where k > i && items[i].jsonEquals(items[k]) { return true } }
        return false
    }

    /// `x-kubernetes-list-type: set` and `map` forbid repeated values and repeated keys.
    private func listTypeDuplicates(_ items: [JSON], path: String, into causes: inout [FieldCause]) {
        guard listType == "set" || listType == "map" else { return }
        var seen: [JSON] = []
        for (i, item) in items.enumerated() {
            let identity: JSON = listType == "map"
                ? .object(Dictionary(uniqueKeysWithValues: listMapKeys.map { ($0, item[$0]) }.filter { !$0.1.isNull }))
                : item
            if seen.contains(where: { $0.jsonEquals(identity) }) {
                causes.append(.duplicate(FieldPath.index(path, i), identity))
            } else {
                seen.append(identity)
            }
        }
    }

    private func validateObject(_ members: [String: JSON], old: [String: JSON]?, path: String, into causes: inout [FieldCause]) {
        for name in required.sorted() where members[name] == nil {
            causes.append(.required(FieldPath.child(path, name)))
        }
        // kube-openapi reports the limit as the value for property counts; kept for fidelity.
        if let maxProperties, members.count > maxProperties {
            causes.append(.tooMany(path, actual: maxProperties, max: maxProperties))
        }
        if let minProperties, members.count < minProperties {
            causes.append(.invalid(path, .int(Int64(minProperties)), "\(path) in body should have at least \(minProperties) properties"))
        }
        if embeddedResource {
            for name in ["apiVersion", "kind"] where (members[name]?.string ?? "").isEmpty {
                causes.append(.required(FieldPath.child(path, name), "must not be empty"))
            }
        }
        for name in members.keys.sorted() {
            if path.isEmpty && (name == "metadata" || name == "apiVersion" || name == "kind") && properties[name] == nil { continue }
            guard let schema = child(name) else { continue }
            schema.validateNode(members[name]!, old: old?[name], path: FieldPath.child(path, name), into: &causes)
        }
    }

    private func validateJunctors(_ value: JSON, path: String, into causes: inout [FieldCause]) {
        func errors(_ s: StructuralSchema) -> [FieldCause] {
            var c: [FieldCause] = []
            s.validateNode(value, path: path, into: &c)
            return c
        }
        for s in allOf { causes += errors(s) }
        if !anyOf.isEmpty && !anyOf.contains(where: { errors($0).isEmpty }) {
            causes.append(.invalid(path, "", "\(path) in body must validate at least one schema (anyOf)"))
        }
        if !oneOf.isEmpty && oneOf.filter({ errors($0).isEmpty }).count != 1 {
            causes.append(.invalid(path, "", "\(path) in body must validate one and only one schema (oneOf)"))
        }
        for s in not where errors(s).isEmpty {
            causes.append(.invalid(path, "", "\(path) in body must not validate the schema (not)"))
        }
    }
}
