import DozeJSON
import KubeClient
import Synchronization

/// Writes children by server-side apply (field manager `doze`, force: the controller owns the
/// fields it renders, so an HPA or a user's `kubectl apply` of other fields coexists).
public final class ChildWriter: Sendable {
    public static let fieldManager = "doze"

    private let client: KubeClient
    private let metrics: ControllerMetrics
    /// Set after a server answered 501 to an apply: fall back to create + merge patch.
    private let noApply = Atomic<Bool>(false)

    public init(client: KubeClient, metrics: ControllerMetrics) {
        self.client = client
        self.metrics = metrics
    }

    static func resource(of object: JSON) -> ResourceType? {
        switch object["kind"].string {
        case "Deployment": return .deployment
        case "Service": return .service
        case "PersistentVolumeClaim": return .persistentVolumeClaim
        case "Secret": return .secret
        default: return nil
        }
    }

    /// Applies `object` and returns the object the server stored.
    public func apply(_ object: JSON) async throws -> JSON {
        guard let resource = Self.resource(of: object), let name = object[path: "metadata", "name"].string else {
            throw KubeError.invalidRequest("cannot apply \(object["kind"].string ?? "an object without kind")")
        }
        let api = client.dynamicApi(resource, namespace: object[path: "metadata", "namespace"].string)
        metrics.wrote(resource.kind)
        if !noApply.load(ordering: .relaxed) {
            do {
                return try await api.patch(name, .apply(object, fieldManager: Self.fieldManager, force: true)).json
            } catch let e as KubeError where e.statusCode == 501 || e.statusCode == 415 {
                noApply.store(true, ordering: .relaxed)
            }
        }
        return try await createOrMerge(api, name, object)
    }

    /// For servers without server-side apply: create, else a merge patch of the whole intent
    /// (our lists are ours whole, which is what a merge patch does with lists).
    private func createOrMerge(_ api: Api<DynamicObject>, _ name: String, _ object: JSON) async throws -> JSON {
        if object[path: "metadata", "resourceVersion"].isNull {
            do {
                return try await api.create(DynamicObject(json: object), WriteOptions(fieldManager: Self.fieldManager)).json
            } catch let e as KubeError where e.isAlreadyExists {}
        }
        return try await api.patch(name, .merge(object), WriteOptions(fieldManager: Self.fieldManager)).json
    }
}
