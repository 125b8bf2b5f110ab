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

    public func scaleUp(namespace: String, name: String, replicas: Int) async throws {
        do {
            _ = try await client.api(Deployment.self, namespace: namespace).patchScale(name, Self.patch(replicas: replicas))
        } catch let e as KubeError where e.statusCode == 409 || e.statusCode == 422 {
            return
        }
    }
}
