import DozeJSON
import KubeClient

/// Wakes an App: its Deployment's replicas 0 → `replicas`.
public protocol AppScaler: Sendable {
    func scaleUp(namespace: String, name: String, replicas: Int) async throws
}

/// Contract §2: a JSON patch on the Deployment's scale subresource that tests for 0 first, so
/// concurrent wakes from several proxy replicas (or a controller that already woke it) make
/// one change.
public struct KubeAppScaler: AppScaler {
    public let client: KubeClient
    public init(client: KubeClient) { self.client = client }

    public static func patch(replicas: Int) -> Patch {
        .json([["op": "test", "path": "/spec/replicas", "value": 0],
               ["op": "replace", "path": "/spec/replicas", "value": JSON(replicas)]])
    }

    /// 422 (the test failed: the Deployment was above zero when the patch landed — someone else
    /// woke it) is success, and is not re-checked: reading the scale again and patching when it
    /// is back at 0 would undo a sleep that happened since, waking an App nobody asked for.
    /// 409 (a lost race with another write, from a server that does not retry patches itself)
    /// is retried; the patch's own test keeps the retry safe.
    public func scaleUp(namespace: String, name: String, replicas: Int) async throws {
        let api = client.api(Deployment.self, namespace: namespace)
        for _ in 0..<5 {
            do {
                _ = try await api.patchScale(name, Self.patch(replicas: replicas))
                return
            } catch let e as KubeError where e.statusCode == 422 {
                return
            } catch let e as KubeError where e.statusCode == 409 {
                continue
            }
        }
        throw ScaleStillZero(namespace: namespace, name: name)
    }
}

/// Five patches in a row lost a race with other writes.
struct ScaleStillZero: Error, CustomStringConvertible {
    let namespace: String, name: String
    var description: String { "deployments/\(namespace)/\(name): 5 scale patches in a row lost a race (409)" }
}
