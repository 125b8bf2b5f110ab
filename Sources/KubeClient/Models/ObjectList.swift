import DozeJSON

/// A list response: items plus `metadata.resourceVersion` (the revision to watch from, the same
/// on every page) and `metadata.continue` (the next page's token, nil on the last page).
public struct ObjectList<T: JSONView>: Sendable {
    public var items: [T]
    public var resourceVersion: String?
    public var continueToken: String?
    public var remainingItemCount: Int?

    public init(items: [T], resourceVersion: String? = nil, continueToken: String? = nil,
                remainingItemCount: Int? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    /// Decodes a `{Kind}List`. Items carry no apiVersion/kind on the wire; they are filled in
    /// from `type` so each item can be written back as is.
    public init(json: JSON, type: ResourceType?) throws(KubeError) {
        guard case .object = json else { throw KubeError.decoding("list response is not an object") }
        let raw = json["items"]
        guard raw.isNull || raw.array != nil else { throw KubeError.decoding("list items is not an array") }
        items = (raw.array ?? []).map { item in
            var item = item
            if let type {
                if item["apiVersion"].isNull { item["apiVersion"] = JSON(type.apiVersion) }
                if item["kind"].isNull { item["kind"] = JSON(type.kind) }
            }
            return T(json: item)
        }
        resourceVersion = json[path: "metadata", "resourceVersion"].string
        let token = json[path: "metadata", "continue"].string
        continueToken = (token?.isEmpty ?? true) ? nil : token
        remainingItemCount = json[path: "metadata", "remainingItemCount"].int
    }
}
