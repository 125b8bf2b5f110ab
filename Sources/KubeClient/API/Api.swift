import DozeJSON

/// A typed handle on one kind in one namespace (or all namespaces, for list and watch).
/// Every method is a request built by `RequestBuilder` and sent by the client.
public struct Api<T: JSONView>: Sendable {
    public let client: KubeClient
    public let builder: RequestBuilder

    public init(client: KubeClient, resource: ResourceType, namespace: String?) {
        self.client = client
        builder = RequestBuilder(resource: resource, namespace: namespace)
    }

    public var resource: ResourceType { builder.resource }
    public var namespace: String? { builder.namespace }

    /// The same kind in one namespace (from an all-namespaces handle).
    public func namespaced(_ namespace: String) -> Api<T> {
        Api(client: client, resource: resource, namespace: namespace)
    }

    /// Writes of a whole object through an all-namespaces handle go to the object's own
    /// namespace (a controller watching every namespace writes back what it read).
    func inNamespaceOf(_ object: T) -> Api<T> {
        guard resource.namespaced, namespace == nil,
              let ns = object.json[path: "metadata", "namespace"].string else { return self }
        return namespaced(ns)
    }

    private func builder(for object: T) -> RequestBuilder { inNamespaceOf(object).builder }

    public func get(_ name: String) async throws -> T {
        try await object(builder.get(name))
    }

    /// `get`, with nil for 404.
    public func getIfExists(_ name: String) async throws -> T? {
        do { return try await get(name) } catch let e as KubeError where e.isNotFound { return nil }
    }

    /// One page (or the whole list, if no `limit`).
    public func list(_ options: ListOptions = ListOptions()) async throws -> ObjectList<T> {
        let json = try await client.sendJSON(builder.list(options))
        return try ObjectList(json: json, type: resource)
    }

    /// Every page, following `continue` tokens. The result carries the first page's
    /// resourceVersion (every page has the same one). An expired token throws 410 (isGone):
    /// start again from scratch.
    public func listAll(_ options: ListOptions = ListOptions(limit: 500)) async throws -> ObjectList<T> {
        var page = try await list(options)
        var all = page
        while let token = page.continueToken {
            var next = options
            next.continueToken = token
            page = try await list(next)
            all.items += page.items
        }
        all.continueToken = nil
        all.remainingItemCount = nil
        return all
    }

    public func create(_ object: T, _ options: WriteOptions = WriteOptions()) async throws -> T {
        try await self.object(builder(for: object).create(object.json, options))
    }

    /// PUT of the whole object, named by its `metadata.name`; its resourceVersion (if set) makes
    /// the write conditional (409 on a stale copy).
    public func replace(_ object: T, _ options: WriteOptions = WriteOptions()) async throws -> T {
        try await self.object(builder(for: object).replace(try Self.name(of: object), object.json, options))
    }

    public func patch(_ name: String, _ patch: Patch, _ options: WriteOptions = WriteOptions()) async throws -> T {
        try await object(builder.patch(name, patch, options))
    }

    /// Deletes one object. The server answers with the object (still there while finalizers or a
    /// grace period run, or as it was for some kinds) or with a Success Status.
    public func delete(_ name: String, _ options: DeleteOptions = DeleteOptions()) async throws -> DeleteResult<T> {
        let json = try await client.sendJSON(builder.delete(name, options))
        return Status.isStatus(json) ? .status(Status(json: json)) : .object(T(json: json))
    }

    /// Deletes what `list` selects; the answer is the list of deleted objects (or a Status).
    public func deleteCollection(_ list: ListOptions = ListOptions(), _ options: DeleteOptions = DeleteOptions())
        async throws -> JSON
    {
        try await client.sendJSON(builder.deleteCollection(list, options))
    }

    // MARK: status subresource

    public func getStatus(_ name: String) async throws -> T {
        try await object(builder.getSubresource("status", name))
    }

    /// PUT to `/status`: only the status part is kept by the server.
    public func replaceStatus(_ object: T, _ options: WriteOptions = WriteOptions()) async throws -> T {
        try await self.object(
            builder(for: object).replaceSubresource("status", try Self.name(of: object), object.json, options))
    }

    public func patchStatus(_ name: String, _ patch: Patch, _ options: WriteOptions = WriteOptions()) async throws -> T {
        try await object(builder.patchSubresource("status", name, patch, options))
    }

    // MARK: scale subresource

    public func getScale(_ name: String) async throws -> Scale {
        Scale(json: try await client.sendJSON(builder.getSubresource("scale", name)))
    }

    public func replaceScale(_ name: String, _ scale: Scale, _ options: WriteOptions = WriteOptions()) async throws
        -> Scale
    {
        Scale(json: try await client.sendJSON(builder.replaceSubresource("scale", name, scale.json, options)))
    }

    /// What `kubectl scale` does: a merge patch of `spec.replicas` on `/scale`.
    public func patchScale(_ name: String, _ patch: Patch, _ options: WriteOptions = WriteOptions()) async throws
        -> Scale
    {
        Scale(json: try await client.sendJSON(builder.patchSubresource("scale", name, patch, options)))
    }

    /// Sets `spec.replicas` through the scale subresource.
    public func scale(_ name: String, replicas: Int) async throws -> Scale {
        try await patchScale(name, .merge(["spec": ["replicas": JSON(replicas)]]))
    }

    // MARK: helpers

    private func object(_ request: KubeRequest) async throws -> T {
        let json = try await client.sendJSON(request)
        guard case .object = json else {
            throw KubeError.decoding("\(request.method.rawValue) \(request.path): the answer is not an object")
        }
        return T(json: json)
    }

    static func name(of object: T) throws(KubeError) -> String {
        guard let name = object.json[path: "metadata", "name"].string, !name.isEmpty else {
            throw KubeError.invalidRequest("the object has no metadata.name")
        }
        return name
    }
}

/// The answer to a delete.
public enum DeleteResult<T: JSONView>: Sendable {
    /// The object: deletion pending (deletionTimestamp set) or, for some kinds, its last state.
    case object(T)
    /// A Success Status: the object is gone.
    case status(Status)
}

extension Api where T: KubeObject {
    /// Server-side apply of a whole typed object (its name from `metadata.name`): the fields it
    /// sets become owned by `fieldManager`; `force` takes them from other managers. apiVersion
    /// and kind are filled in when missing (apply needs them).
    public func apply(_ object: T, fieldManager: String, force: Bool = false) async throws -> T {
        var body = object
        body.fillTypeMeta()
        return try await inNamespaceOf(object)
            .patch(try Self.name(of: object), .apply(body.json, fieldManager: fieldManager, force: force))
    }

    /// Server-side apply to `/status` (only `status` is kept by the server).
    public func applyStatus(_ object: T, fieldManager: String, force: Bool = false) async throws -> T {
        var body = object
        body.fillTypeMeta()
        return try await inNamespaceOf(object).patchStatus(try Self.name(of: object),
                                     .apply(body.json, fieldManager: fieldManager, force: force))
    }
}
