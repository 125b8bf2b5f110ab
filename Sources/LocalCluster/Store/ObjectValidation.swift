import DozeJSON

/// The metadata checks kube-apiserver makes on every kind.
enum ObjectValidation {
    static func checkName(_ name: String, type: ResourceType) throws(APIError) {
        if name.isEmpty {
            throw .invalid(kind: type.kind, group: type.group, name: "", causes: [
                .init(reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                      field: "metadata.name")])
        }
        if !isDNSSubdomain(name) {
            let detail = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                + "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            throw .invalid(kind: type.kind, group: type.group, name: name, causes: [
                .init(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \(detail)", field: "metadata.name")])
        }
    }

    static func isDNSSubdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let f = label.first, let l = label.last else { return false }
            let ok = label.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            return ok && f != "-" && l != "-"
        }
    }

    static let builtinFinalizers: Set<String> = ["kubernetes", "orphan", "foregroundDeletion", "customresourcecleanup.apiextensions.k8s.io"]

    /// Finalizers must be qualified names (`example.com/cleanup`) unless built in.
    static func checkFinalizers(_ obj: JSON, type: ResourceType) throws(APIError) {
        for (i, f) in (obj["metadata"]["finalizers"].array ?? []).enumerated() {
            guard let s = f.string else { continue }
            if builtinFinalizers.contains(s) || s.contains("/") { continue }
            throw .invalid(kind: type.kind, group: type.group, name: obj["metadata"]["name"].string ?? "", causes: [
                .init(reason: "FieldValueInvalid",
                      message: "Invalid value: \"\(s)\": name is neither a standard finalizer name nor is it fully qualified",
                      field: "metadata.finalizers[\(i)]")])
        }
    }

    /// Once deletionTimestamp is set, finalizers may be removed but not added.
    static func checkNoNewFinalizers(old: JSON, new: JSON, type: ResourceType) throws(APIError) {
        guard !old["metadata"]["deletionTimestamp"].isNull else { return }
        let before = Set((old["metadata"]["finalizers"].array ?? []).compactMap(\.string))
        let after = (new["metadata"]["finalizers"].array ?? []).compactMap(\.string)
        if after.contains(where: { !before.contains($0) }) {
            throw .invalid(kind: type.kind, group: type.group, name: new["metadata"]["name"].string ?? "", causes: [
                .init(reason: "FieldValueForbidden",
                      message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \(after.filter { !before.contains($0) })",
                      field: "metadata.finalizers")])
        }
    }
}
