import DozeJSON

/// Turns an operation and its options into a `KubeRequest`, with no I/O: every path and query
/// the client sends is decided here, so table tests pin them down.
///
/// `namespace` nil on a namespaced kind means "all namespaces", which only list and watch
/// accept; object operations then throw.
public struct RequestBuilder: Sendable, Hashable {
    public var resource: ResourceType
    public var namespace: String?

    public init(resource: ResourceType, namespace: String?) {
        self.resource = resource
        self.namespace = resource.namespaced ? namespace : nil
    }

    static let jsonContent = ["Content-Type": "application/json"]

    // MARK: collection operations

    public func list(_ options: ListOptions = ListOptions()) -> KubeRequest {
        KubeRequest(method: .get, path: resource.collectionPath(namespace: namespace), query: options.queryItems)
    }

    public func watch(_ options: WatchOptions = WatchOptions()) -> KubeRequest {
        KubeRequest(method: .get, path: resource.collectionPath(namespace: namespace),
                    query: options.queryItems, idleTimeout: options.idleTimeout)
    }

    public func create(_ object: JSON, _ options: WriteOptions = WriteOptions()) throws(KubeError) -> KubeRequest {
        KubeRequest(method: .post, path: try namespacedCollection(), query: options.queryItems,
                    headers: Self.jsonContent, body: object.serializedBytes())
    }

    public func deleteCollection(_ list: ListOptions = ListOptions(), _ options: DeleteOptions = DeleteOptions())
        throws(KubeError) -> KubeRequest
    {
        var request = deleteRequest(path: try namespacedCollection(), options)
        request.query = list.queryItems + request.query
        return request
    }

    // MARK: object operations

    public func get(_ name: String) throws(KubeError) -> KubeRequest {
        KubeRequest(method: .get, path: try objectPath(name))
    }

    /// PUT of the whole object. With `metadata.resourceVersion` set, the server answers 409 if
    /// someone wrote since; custom resources require it.
    public func replace(_ name: String, _ object: JSON, _ options: WriteOptions = WriteOptions())
        throws(KubeError) -> KubeRequest
    {
        KubeRequest(method: .put, path: try objectPath(name), query: options.queryItems,
                    headers: Self.jsonContent, body: object.serializedBytes())
    }

    public func patch(_ name: String, _ patch: Patch, _ options: WriteOptions = WriteOptions())
        throws(KubeError) -> KubeRequest
    {
        try patchRequest(path: objectPath(name), patch, options)
    }

    public func delete(_ name: String, _ options: DeleteOptions = DeleteOptions()) throws(KubeError) -> KubeRequest {
        deleteRequest(path: try objectPath(name), options)
    }

    // MARK: subresources (`status`, `scale`)

    public func getSubresource(_ subresource: String, _ name: String) throws(KubeError) -> KubeRequest {
        KubeRequest(method: .get, path: try objectPath(name, subresource))
    }

    public func replaceSubresource(_ subresource: String, _ name: String, _ object: JSON,
                                   _ options: WriteOptions = WriteOptions()) throws(KubeError) -> KubeRequest
    {
        KubeRequest(method: .put, path: try objectPath(name, subresource), query: options.queryItems,
                    headers: Self.jsonContent, body: object.serializedBytes())
    }

    public func patchSubresource(_ subresource: String, _ name: String, _ patch: Patch,
                                 _ options: WriteOptions = WriteOptions()) throws(KubeError) -> KubeRequest
    {
        try patchRequest(path: objectPath(name, subresource), patch, options)
    }

    // MARK: helpers

    private func patchRequest(path: String, _ patch: Patch, _ options: WriteOptions) -> KubeRequest {
        var query: [QueryItem] = []
        if options.dryRun { query.append(QueryItem("dryRun", "All")) }
        if case .apply(_, let manager, let force) = patch {
            // Apply needs a manager; `force` is only legal on apply patches (422 otherwise).
            query.append(QueryItem("fieldManager", manager))
            if force { query.append(QueryItem("force", "true")) }
        } else if let manager = options.fieldManager {
            query.append(QueryItem("fieldManager", manager))
        }
        if let validation = options.fieldValidation { query.append(QueryItem("fieldValidation", validation)) }
        return KubeRequest(method: .patch, path: path, query: query,
                           headers: ["Content-Type": patch.contentType], body: patch.body)
    }

    private func deleteRequest(path: String, _ options: DeleteOptions) -> KubeRequest {
        var query: [QueryItem] = []
        if options.dryRun { query.append(QueryItem("dryRun", "All")) }
        if let grace = options.gracePeriodSeconds { query.append(QueryItem("gracePeriodSeconds", String(grace))) }
        if let policy = options.propagationPolicy { query.append(QueryItem("propagationPolicy", policy.rawValue)) }
        if options.isEmpty { return KubeRequest(method: .delete, path: path, query: query) }
        return KubeRequest(method: .delete, path: path, query: query, headers: Self.jsonContent,
                           body: options.body.serializedBytes())
    }

    private func objectPath(_ name: String, _ subresource: String? = nil) throws(KubeError) -> String {
        guard !name.isEmpty else { throw KubeError.invalidRequest("\(resource): an object name is required") }
        return resource.objectPath(name: name, namespace: try requiredNamespace(), subresource: subresource)
    }

    private func namespacedCollection() throws(KubeError) -> String {
        resource.collectionPath(namespace: try requiredNamespace())
    }

    private func requiredNamespace() throws(KubeError) -> String? {
        guard resource.namespaced else { return nil }
        guard let namespace, !namespace.isEmpty else {
            throw KubeError.invalidRequest("\(resource) is namespaced: this operation needs a namespace")
        }
        return namespace
    }
}
