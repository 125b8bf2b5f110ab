import DozeJSON
import HTTPCore
import Synchronization

/// The cluster's kube-apiserver: a pure request handler over the object store. The socket
/// server calls `handle`; tests call it directly.
public final class APIServer: Sendable {
    public let store: ObjectStore
    let logSource: Mutex<(any PodLogSource)?>
    /// How often an idle watch with `allowWatchBookmarks` gets a BOOKMARK.
    let bookmarkInterval: Duration

    public init(store: ObjectStore, bookmarkInterval: Duration = .seconds(30)) {
        self.store = store
        self.bookmarkInterval = bookmarkInterval
        logSource = Mutex(nil)
    }

    /// Connects `pods/log` to the pod runtime.
    public func setLogSource(_ source: (any PodLogSource)?) {
        logSource.withLock { $0 = source }
    }

    public func handle(_ req: HTTPRequest) async -> HTTPResponse {
        let query = Query(req.query)
        let pretty = query.bool("pretty") && query["pretty"] != "false"
        switch RequestTarget(path: req.path) {
        case .version: return Respond.json(Discovery.version, pretty: pretty)
        case .health(let path): return Respond.text(path.contains("verbose") ? "[+]ping ok\n\(path) check passed\n" : "ok")
        case .apiVersions: return Respond.json(discovery.apiVersions, pretty: pretty)
        case .apiGroupList: return Respond.json(discovery.apiGroupList, pretty: pretty)
        case .apiGroup(let g):
            return discovery.apiGroup(g).map { Respond.json($0, pretty: pretty) } ?? Respond.error(.noSuchResource)
        case .resourceList(let g, let v):
            return discovery.resourceList(group: g, version: v).map { Respond.json($0, pretty: pretty) }
                ?? Respond.error(.noSuchResource)
        case .openAPIv3Root: return Respond.json(openAPI.root)
        case .openAPIv3(let g, let v):
            return openAPI.document(group: g, version: v).map { Respond.json($0) } ?? Respond.error(.noSuchResource)
        case .openAPIv2:
            if (req.headers["Accept"] ?? "").contains("protobuf") {
                return HTTPResponse(status: 200, contentType: OpenAPIv2Document.protobufType, body: OpenAPIv2Document.protobuf)
            }
            return HTTPResponse(status: 200, contentType: "application/json", body: Array(OpenAPIv2Document.json.utf8))
        case .resource(let r): return await handleResource(r, req, query)
        case .unknown: return Respond.error(.noSuchResource)
        }
    }

    var discovery: Discovery { Discovery(types: store.resourceTypes()) }
    var openAPI: OpenAPIDocuments { OpenAPIDocuments(types: store.resourceTypes()) }

    private func handleResource(_ r: RequestTarget.ResourceRequest, _ req: HTTPRequest, _ query: Query) async -> HTTPResponse {
        guard let type = store.resourceType(r.gvr) else { return Respond.error(.noSuchResource) }
        let ctx = RequestContext(server: self, type: type, target: r, request: req, query: query)
        do {
            return try await ctx.dispatch()
        } catch {
            return Respond.error(error)
        }
    }
}
