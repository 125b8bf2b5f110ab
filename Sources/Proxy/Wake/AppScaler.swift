import DozeJSON
import KubeClient

/// Wakes an App: its Deployment's replicas 0 → `replicas`.
public protocol AppScaler: Sendable {
    func scaleUp(namespace: String, name: String, replicas: Int) async throws
}

/// Contract §2: a JSON patch on the Deployment's scale subresource that tests for 0 first, so
/// concurrent wakes from several proxy replicas (or a controller that already woke it) make
/// one change. A failed test (409/422) means someone else woke it: success.
public struct KubeAppScaler: AppScaler {
    public let client: KubeClient
    public init(client: KubeClient) { self.client = client }

    public static func patch(replicas: Int) -> Patch {
        .json([["op": "test", "path": "/spec/replicas", "value": 0],
               ["op": "replace", "path": "/spec/replicas", "value": JSON(replicas)]])
    }

    /// A 409 or 422 is checked rather than trusted: it is success when the Deployment is above
    /// zero now (the test failed: someone else woke it), and a lost race to retry at once when it
    /// is still at zero (a server that answers 409 to a concurrent status write instead of
    /// retrying the patch itself, as the local cluster's scale subresource does).
    public func scaleUp(namespace: String, name: String, replicas: Int) async throws {
        let api = client.api(Deployment.self, namespace: namespace)
        for _ in 0..<5 {
            do {
                _ = try await api.patchScale(name, Self.patch(replicas: replicas))
                return
            } catch let e as KubeError where e.statusCode == 409 || e.statusCode == 422 {
                if (try await api.getScale(name).specReplicas ?? 0) > 0 { return }
            }
        }
        throw ScaleStillZero(namespace: namespace, name: name)
    }
}

/// Five patches in a row lost a race and the Deployment is still at zero.
struct ScaleStillZero: Error, CustomStringConvertible {
    let namespace: String, name: String
    var description: String { "deployments/\(namespace)/\(name) is still at 0 replicas after 5 conflicting patches" }
}
