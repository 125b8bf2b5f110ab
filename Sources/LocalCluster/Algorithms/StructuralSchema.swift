import DozeJSON

/// A CRD version's `openAPIV3Schema`, parsed once, with what kube-apiserver does with it:
/// `validate` (422 causes), `prune` (unknown fields), `applyDefaults`, and `structuralErrors`
/// (the checks run when the CRD itself is created).
///
/// Not evaluated: `x-kubernetes-validations` CEL rules beyond the subset in `CELExpression`
/// (rules it cannot parse are skipped, never reported), `$ref`, `patternProperties`, `dependencies`.
/// Patterns are compiled with Swift `Regex`, close to but not exactly Go RE2.
public struct StructuralSchema: Sendable, Equatable {
    public let raw: JSON
    var type: String?
    var properties: [String: StructuralSchema] = [:]
    var required: [String] = []
    private var itemsBox: [StructuralSchema] = []
    var additionalProperties: AdditionalProperties = .absent
    var enumValues: [JSON]?
    var pattern: String?
    var minimum: JSON?, maximum: JSON?
    var exclusiveMinimum = false, exclusiveMaximum = false
    var multipleOf: Double?
    var minLength: Int?, maxLength: Int?
    var minItems: Int?, maxItems: Int?, uniqueItems = false
    var minProperties: Int?, maxProperties: Int?
    var format: String?
    var nullable = false
    var defaultValue: JSON?
    var preserveUnknownFields = false
    var intOrString = false
    var embeddedResource = false
    var listType: String?
    var listMapKeys: [String] = []
    var mapType: String?
    var rules: [CELRule] = []
    var allOf: [StructuralSchema] = [], anyOf: [StructuralSchema] = [], oneOf: [StructuralSchema] = []
    var not: [StructuralSchema] = []

    indirect enum AdditionalProperties: Sendable, Equatable {
        case absent
        case allowed(Bool)
        case schema(StructuralSchema)
    }

    var items: StructuralSchema? { itemsBox.first }

    public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(json: JSON) throws(SchemaError) {
        guard case .object(let o) = json else {
            throw SchemaError(description: "openAPIV3Schema must be an object, not \(json.typeName)")
        }
        raw = json
        type = o["type"]?.string
        for (name, sub) in o["properties"]?.object ?? [:] { properties[name] = try StructuralSchema(json: sub) }
        required = o["required"]?.array?.compactMap(\.string) ?? []
        if let items = o["items"], case .object = items { itemsBox = [try StructuralSchema(json: items)] }
        switch o["additionalProperties"] {
        case .bool(let b)?: additionalProperties = .allowed(b)
        case .object(let sub)?: additionalProperties = .schema(try StructuralSchema(json: .object(sub)))
        default: break
        }
        enumValues = o["enum"]?.array
        pattern = o["pattern"]?.string
        minimum = o["minimum"]
        maximum = o["maximum"]
        exclusiveMinimum = o["exclusiveMinimum"]?.bool ?? false
        exclusiveMaximum = o["exclusiveMaximum"]?.bool ?? false
        multipleOf = o["multipleOf"]?.double
        minLength = o["minLength"]?.int
        maxLength = o["maxLength"]?.int
        minItems = o["minItems"]?.int
        maxItems = o["maxItems"]?.int
        uniqueItems = o["uniqueItems"]?.bool ?? false
        minProperties = o["minProperties"]?.int
        maxProperties = o["maxProperties"]?.int
        format = o["format"]?.string
        nullable = o["nullable"]?.bool ?? false
        defaultValue = o["default"]
        preserveUnknownFields = o["x-kubernetes-preserve-unknown-fields"]?.bool ?? false
        intOrString = o["x-kubernetes-int-or-string"]?.bool ?? false
        embeddedResource = o["x-kubernetes-embedded-resource"]?.bool ?? false
        listType = o["x-kubernetes-list-type"]?.string
        listMapKeys = o["x-kubernetes-list-map-keys"]?.array?.compactMap(\.string) ?? []
        mapType = o["x-kubernetes-map-type"]?.string
        rules = (o["x-kubernetes-validations"]?.array ?? []).compactMap(CELRule.init(json:))
        allOf = try Self.parseList(o["allOf"])
        anyOf = try Self.parseList(o["anyOf"])
        oneOf = try Self.parseList(o["oneOf"])
        if let n = o["not"], case .object = n { not = [try StructuralSchema(json: n)] }
        if let pattern { try Self.checkPattern(pattern) }
    }

    private static func parseList(_ value: JSON?) throws(SchemaError) -> [StructuralSchema] {
        var out: [StructuralSchema] = []
        for sub in value?.array ?? [] { out.append(try StructuralSchema(json: sub)) }
        return out
    }

    private static func checkPattern(_ pattern: String) throws(SchemaError) {
        do { _ = try Regex(pattern) } catch {
            throw SchemaError(description: "pattern \(JSON.goQuote(pattern)) does not compile: \(error)")
        }
    }

    /// The schema of a child field (a declared property, else additionalProperties).
    func child(_ name: String) -> StructuralSchema? {
        if let p = properties[name] { return p }
        if case .schema(let s) = additionalProperties { return s }
        return nil
    }

    /// The fields of ObjectMeta kube-apiserver keeps on a custom resource; anything else under
    /// `metadata` is pruned.
    static let objectMetaFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    ]
}

/// Field paths as kube-apiserver prints them: `spec.items[0].name`.
enum FieldPath {
    static func child(_ base: String, _ name: String) -> String { base.isEmpty ? name : "\(base).\(name)" }
    static func index(_ base: String, _ i: Int) -> String { "\(base)[\(i)]" }
}
