import Foundation
import DozeJSON

/// The local cluster's workloads: the deployment and endpointslice controllers and the pod
/// runtime (kubelet), running against an `ObjectStore`.
///
/// `LocalClusterServer(podRuntime:)` creates one (`doze cluster --pod-runtime process|simulated`),
/// runs it beside the API server, and makes it the API server's `PodLogSource` for `pods/log`:
/// ```swift
/// let workloads = LocalWorkloads(store: store, runtime: .process)   // or .simulated(readyAfter:)
/// api.setLogSource(workloads)
/// group.addTask { try await workloads.run() }
/// ```
/// `run()` returns when its task is cancelled (SIGTERM/SIGINT in `doze cluster`), after sending
/// SIGTERM to every pod's processes and SIGKILL to what is left after `shutdownGraceSeconds`.
public final class LocalWorkloads: Sendable {
    public let store: ObjectStore
    public let pods: PodRuntime
    public let shutdownGraceSeconds: Int
    let options: PodRuntimeOptions

    /// - Parameters:
    ///   - runtime: `.process` runs containers' commands; `.simulated(readyAfter:)` runs nothing.
    ///   - options: node name and IP, log size, restart back-off, clocks.
    ///   - ipPool: where pod IPs come from (127.1.0.1 upward by default).
    public init(store: ObjectStore, runtime: PodRuntimeMode = .process, options: PodRuntimeOptions = PodRuntimeOptions(),
                ipPool: PodIPPool = PodIPPool(), shutdownGraceSeconds: Int = 5) {
        self.store = store
        var options = options
        let recorder = EventRecorder(store: store, host: options.nodeName)
        let now = options.now
        options.events = { recorder.record($0, now: now()) }
        self.options = options
        self.shutdownGraceSeconds = shutdownGraceSeconds
        pods = PodRuntime(mode: runtime, options: options, ipPool: ipPool, config: Self.configSource(store),
                          statusSink: PodRuntimeService.statusSink(store: store))
    }

    /// Runs the controllers and the pod runtime until cancelled.
    public func run() async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await DeploymentControllerService(store: self.store, options: self.options).run() }
                group.addTask { try await EndpointSliceControllerService(store: self.store, options: self.options).run() }
                group.addTask { try await PodRuntimeService(store: self.store, runtime: self.pods).run() }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await pods.stopAll(gracePeriodSeconds: shutdownGraceSeconds)
            throw error
        }
        await pods.stopAll(gracePeriodSeconds: shutdownGraceSeconds)
    }

    /// Secrets and ConfigMaps for env, read from the store (Secret data base64-decoded).
    static func configSource(_ store: ObjectStore) -> ConfigSource {
        ConfigSource { kind, namespace, name in
            let gvr: GroupVersionResource = kind == .secret ? .secrets : .configMaps
            guard let obj = try? store.get(gvr, namespace: namespace, name: name) else { return nil }
            var values = (obj["data"].object ?? [:]).compactMapValues(\.string)
            if kind == .secret {
                values = values.compactMapValues { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } }
                for (k, v) in (obj["stringData"].object ?? [:]) { values[k] = v.string }
            } else {
                for (k, v) in (obj["binaryData"].object ?? [:]) {
                    values[k] = v.string.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
                }
            }
            return values
        }
    }
}
