import DozeJSON

/// The structural-schema checks kube-apiserver runs when a CRD is created or updated, so that
/// pruning and defaulting are well defined. Field paths are relative to `prefix` (pass
/// `spec.versions[0].schema.openAPIV3Schema` to match the real CRD error).
extension StructuralSchema {
    public func structuralErrors(prefix: String = "openAPIV3Schema") -> [FieldCause] {
        var causes: [FieldCause] = []
        if type == nil {
            causes.append(.required(FieldPath.child(prefix, "type"), "must not be empty at the root"))
        } else if type != "object" {
            causes.append(.invalid(FieldPath.child(prefix, "type"), .string(type!), "must be object at the root"))
        }
        if case .absent = additionalProperties {} else {
            causes.append(.forbidden(FieldPath.child(prefix, "additionalProperties"), "must not be used at the root"))
        }
        if let meta = properties["metadata"] {
            causes += meta.metadataErrors(path: prefix + ".properties[metadata]")
        }
        checkNode(path: prefix, dataPath: "", isRoot: true, into: &causes)
        return causes
    }

    /// `dataPath` is where the node's values live in an object (`spec.items[*].name`), for the
    /// texts of default validation.
    private func checkNode(path: String, dataPath: String, isRoot: Bool, into causes: inout [FieldCause]) {
        if let defaultValue { causes += defaultErrors(defaultValue, path: FieldPath.child(path, "default"), dataPath: dataPath) }
        if intOrString && (preserveUnknownFields || embeddedResource) {
            causes.append(.forbidden(FieldPath.child(path, "x-kubernetes-int-or-string"),
                                     "must be false if x-kubernetes-preserve-unknown-fields or x-kubernetes-embedded-resource is true"))
        }
        if embeddedResource && type != "object" {
            causes.append(.forbidden(FieldPath.child(path, "type"), "must be object if x-kubernetes-embedded-resource is true"))
        }
        if type == "array" && items == nil {
            causes.append(.required(FieldPath.child(path, "items"), "must be specified"))
        }
        if !properties.isEmpty && additionalProperties != .absent {
            causes.append(.forbidden(FieldPath.child(path, "additionalProperties"), "additionalProperties and properties are mutual exclusive"))
        }
        if additionalProperties == .allowed(false) {
            causes.append(.forbidden(FieldPath.child(path, "additionalProperties"), "must not be false"))
        }
        if raw["$ref"] != .null { causes.append(.forbidden(FieldPath.child(path, "$ref"), "$ref is not supported")) }
        for name in properties.keys.sorted() {
            let sub = properties[name]!
            let subPath = "\(path).properties[\(name)]"
            if sub.type == nil && !sub.intOrString && !sub.preserveUnknownFields {
                causes.append(.required(FieldPath.child(subPath, "type"), "must not be empty for specified object fields"))
            }
            if name == "metadata" && !isRoot && !embeddedResource {
                causes.append(.forbidden(subPath, "must not be specified in a nested context"))
            }
            sub.checkNode(path: subPath, dataPath: FieldPath.child(dataPath, name), isRoot: false, into: &causes)
        }
        if let items {
            if items.type == nil && !items.intOrString && !items.preserveUnknownFields {
                causes.append(.required(path + ".items.type", "must not be empty for specified array items"))
            }
            items.checkNode(path: path + ".items", dataPath: dataPath + "[*]", isRoot: false, into: &causes)
        }
        if case .schema(let sub) = additionalProperties {
            if sub.type == nil && !sub.intOrString && !sub.preserveUnknownFields {
                causes.append(.required(path + ".additionalProperties.type", "must not be empty for specified object fields"))
            }
            sub.checkNode(path: path + ".additionalProperties", dataPath: FieldPath.child(dataPath, "*"), isRoot: false, into: &causes)
        }
        for (name, list) in [("allOf", allOf), ("anyOf", anyOf), ("oneOf", oneOf), ("not", not)] {
            for (i, sub) in list.enumerated() {
                sub.junctorErrors(path: name == "not" ? "\(path).not" : "\(path).\(name)[\(i)]", into: &causes)
            }
        }
    }

    /// Inside allOf/anyOf/oneOf/not only value validations may appear.
    private func junctorErrors(path: String, into causes: inout [FieldCause]) {
        let forbiddenKeys = ["type", "additionalProperties", "default", "description", "title", "x-kubernetes-preserve-unknown-fields",
                             "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "x-kubernetes-validations"]
        for key in forbiddenKeys where raw[key] != .null {
            causes.append(.forbidden(FieldPath.child(path, key), "must be empty to be structural"))
        }
        if nullable { causes.append(.forbidden(FieldPath.child(path, "nullable"), "must be false to be structural")) }
        for name in properties.keys.sorted() { properties[name]!.junctorErrors(path: "\(path).properties[\(name)]", into: &causes) }
        items?.junctorErrors(path: path + ".items", into: &causes)
    }

    /// `metadata` at the root may only restrict `name` and `generateName`, with type string.
    private func metadataErrors(path: String) -> [FieldCause] {
        var causes: [FieldCause] = []
        if let t = type, t != "object" {
            causes.append(.invalid(FieldPath.child(path, "type"), .string(t), "must be object"))
        }
        let allowedKeys: Set<String> = ["type", "properties", "description"]
        let extra = (raw.object ?? [:]).keys.filter { !allowedKeys.contains($0) }.sorted()
        let extraProps = properties.keys.filter { $0 != "name" && $0 != "generateName" }.sorted()
        if !extra.isEmpty || !extraProps.isEmpty {
            causes.append(.forbidden(path, "must not specify anything other than name and generateName, but metadata is implicitly specified"))
        }
        for name in ["name", "generateName"] {
            if let p = properties[name], let t = p.type, t != "string" {
                causes.append(.invalid("\(path).properties[\(name)].type", .string(t), "must be string"))
            }
        }
        return causes
    }

    /// A default must validate against its own schema and survive pruning, or every object
    /// would be defaulted into something invalid.
    private func defaultErrors(_ value: JSON, path: String, dataPath: String) -> [FieldCause] {
        let (pruned, unknown) = pruneValue(value)
        if !unknown.isEmpty {
            return [.invalid(path, value, "must not have unknown fields: " + unknown.joined(separator: ", "))]
        }
        var found: [FieldCause] = []
        validateNode(pruned, path: dataPath, into: &found)
        return found.map { cause in
            // Causes inside the default keep their position below `.default`.
            let inner = cause.field.hasPrefix(dataPath) ? String(cause.field.dropFirst(dataPath.count)) : ""
            let suffix = inner.isEmpty || inner.hasPrefix("[") || inner.hasPrefix(".") ? inner : "." + inner
            return FieldCause(reason: cause.reason, message: cause.message, field: path + suffix)
        }
    }
}
