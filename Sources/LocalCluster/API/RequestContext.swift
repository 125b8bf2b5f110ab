import DozeJSON
import HTTPCore

/// One resource request being served: the kind, the parsed path and query, and the verb
/// handlers (split across the `RequestContext+*.swift` files).
struct RequestContext {
    let server: APIServer
    let type: ResourceType
    let target: RequestTarget.ResourceRequest
    let request: HTTPRequest
    let query: Query

    var store: ObjectStore { server.store }
    var gvr: GroupVersionResource { target.gvr }
    var namespace: String? { type.namespaced ? target.namespace : nil }
    var dryRun: Bool { query["dryRun"] == "All" }
    var pretty: Bool { query.bool("pretty") && query["pretty"] != "false" }

    func dispatch() async throws(APIError) -> HTTPResponse {
        try checkScope()
        let method = request.method.uppercased()
        let name = target.name
        switch (method, name, target.subresource) {
        case ("GET", nil, nil):
            if target.watchPrefix || (query.bool("watch") && query["watch"] != "false") { return try watch() }
            return try list()
        case ("GET", let n?, nil):
            if target.watchPrefix || (query.bool("watch") && query["watch"] != "false") { return try watch(name: n) }
            return try get(n)
        case ("GET", let n?, "status"?) where type.hasStatusSubresource: return try get(n)
        case ("GET", let n?, "scale"?) where type.scale != nil: return try getScale(n)
        case ("GET", let n?, "log"?) where type.otherSubresources.contains("log"): return try await podLog(n)
        case ("POST", nil, nil): return try create()
        case ("PUT", let n?, let sub): return try replace(n, subresource: sub)
        case ("PATCH", let n?, let sub): return try patch(n, subresource: sub)
        case ("DELETE", let n?, nil): return try delete(n)
        case ("DELETE", nil, nil): return try deleteCollection()
        case (_, _, let sub?) where !knownSubresource(sub): throw .noSuchResource
        default: throw .methodNotAllowed(method, gvr)
        }
    }

    func knownSubresource(_ s: String) -> Bool {
        (s == "status" && type.hasStatusSubresource) || (s == "scale" && type.scale != nil) || type.otherSubresources.contains(s)
    }

    /// Namespaced kinds need a namespace on object paths; cluster-scoped kinds must not have one.
    func checkScope() throws(APIError) {
        if !type.namespaced, target.namespace != nil { throw .noSuchResource }
        if type.namespaced, target.namespace == nil, target.name != nil { throw .noSuchResource }
        if let sub = target.subresource, !knownSubresource(sub) { throw .noSuchResource }
    }

    /// The body as a JSON object (400 when it is not one).
    func bodyObject() throws(APIError) -> JSON {
        if (request.headers["Content-Type"] ?? "").hasPrefix(ProtobufBody.contentType) {
            guard let obj = ProtobufBody.decode(request.body, kind: type.kind) else {
                throw .unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                    + "application/json, application/yaml")
            }
            return obj
        }
        let obj: JSON
        do { obj = try JSON(parsing: request.body) } catch {
            throw .badRequest("the body of the request was in an unknown format - \(error.description)")
        }
        guard case .object = obj else { throw .badRequest("the body of the request must be a JSON object") }
        return obj
    }

    /// `fieldManager`, or the User-Agent's program name as kube-apiserver defaults it.
    var fieldManager: String {
        if let m = query["fieldManager"], !m.isEmpty { return m }
        let agent = request.headers["User-Agent"] ?? "unknown"
        return String(agent.split(separator: "/").first ?? "unknown")
    }

    var wantsTable: Bool {
        (request.headers["Accept"] ?? "").split(separator: ",").contains { $0.contains("as=Table") }
    }

    func respond(_ body: JSON, status: Int = 200, warnings: [String] = []) -> HTTPResponse {
        Respond.json(body, status: status, warnings: warnings, pretty: pretty)
    }
}
