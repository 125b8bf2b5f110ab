import Foundation
import Synchronization
import DozeJSON

/// The local cluster's kubelet: runs pods (as processes or simulated), gives each a loopback pod
/// IP, and reports each change of a pod's status through `statusSink`.
///
/// ```swift
/// let runtime = PodRuntime(mode: .process, config: lookup) { namespace, name, uid, status in
///     try? await store.updateStatus(pod: namespace/name, uid, status)   // whatever the store offers
/// }
/// runtime.start(pod)                         // idempotent per namespace/name + uid
/// await runtime.stop(namespace: "default", name: "web-1", gracePeriodSeconds: nil)
/// runtime.log(namespace: "default", name: "web-1", container: nil, previous: false)?.text(tailLines: 10)
/// ```
public final class PodRuntime: Sendable {
    public typealias StatusSink = @Sendable (_ namespace: String, _ name: String, _ uid: String, _ status: JSON) async -> Void

    private struct Entry: Sendable {
        let namespace: String
        let name: String
        let uid: String
        let worker: PodWorker
        let run: Task<Void, Never>
        let ip: String
    }

    public let mode: PodRuntimeMode
    public let options: PodRuntimeOptions
    public let ipPool: PodIPPool
    private let config: ConfigSource
    private let statusSink: StatusSink
    private let pods = Mutex<[String: Entry]>([:])
    /// Pods being stopped, by namespace/name.
    private let stopping = Mutex<[String: (uid: String, task: Task<Void, Never>)]>([:])

    public init(mode: PodRuntimeMode, options: PodRuntimeOptions = PodRuntimeOptions(), ipPool: PodIPPool = PodIPPool(),
                config: ConfigSource = .none, statusSink: @escaping StatusSink) {
        self.mode = mode
        self.options = options
        self.ipPool = ipPool
        self.config = config
        self.statusSink = statusSink
    }

    private static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    /// Starts running `pod` unless a pod of that namespace, name and uid already runs. Returns false
    /// when no pod IP is free.
    @discardableResult
    public func start(_ pod: JSON) -> Bool {
        let namespace = pod[path: "metadata", "namespace"].string ?? "default"
        let name = pod[path: "metadata", "name"].string ?? ""
        let uid = pod[path: "metadata", "uid"].string ?? ""
        let key = Self.key(namespace, name)
        if let existing = pods.withLock({ $0[key] }), existing.uid == uid { return true }
        guard let ip = ipPool.allocate() else { return false }
        let worker = PodWorker(pod: pod, podIP: ip, mode: mode, options: options, config: config)
        let sink = statusSink
        let run = Task {
            async let reported: Void = {
                for await status in worker.statuses { await sink(namespace, name, uid, status) }
            }()
            await worker.run()
            await reported
        }
        let replaced = pods.withLock { p -> Entry? in
            defer { p[key] = Entry(namespace: namespace, name: name, uid: uid, worker: worker, run: run, ip: ip) }
            return p[key]
        }
        if let replaced { Task { await self.finish(replaced, gracePeriodSeconds: 0) } }
        return true
    }

    /// Stops the pod: SIGTERM, then SIGKILL after the grace period (the pod's
    /// terminationGracePeriodSeconds when nil). Returns when its processes are gone and its IP is free.
    /// A second stop of a pod that is already stopping waits for the first to finish.
    public func stop(namespace: String, name: String, uid: String? = nil, gracePeriodSeconds: Int? = nil) async {
        let key = Self.key(namespace, name)
        let task = pods.withLock { p -> Task<Void, Never>? in
            if let e = p[key], uid == nil || e.uid == uid {
                p[key] = nil
                let t = Task { await self.finish(e, gracePeriodSeconds: gracePeriodSeconds) }
                stopping.withLock { $0[key] = (e.uid, t) }
                return t
            }
            return stopping.withLock { s in s[key].flatMap { uid == nil || $0.uid == uid ? $0.task : nil } }
        }
        await task?.value
    }

    private func finish(_ entry: Entry, gracePeriodSeconds: Int?) async {
        await entry.worker.stop(gracePeriodSeconds: gracePeriodSeconds)
        await entry.run.value
        ipPool.release(entry.ip)
        stopping.withLock { s in
            let key = Self.key(entry.namespace, entry.name)
            if s[key]?.uid == entry.uid { s[key] = nil }
        }
    }

    /// Stops every pod at once, as a node shutting down.
    public func stopAll(gracePeriodSeconds: Int? = nil) async {
        let all = pods.withLock { p -> [Entry] in defer { p.removeAll() }; return Array(p.values) }
        await withTaskGroup(of: Void.self) { group in
            for entry in all { group.addTask { await self.finish(entry, gracePeriodSeconds: gracePeriodSeconds) } }
        }
    }

    /// The output of a container (the pod's first when `container` is nil), for `pods/log`.
    public func log(namespace: String, name: String, container: String?, previous: Bool) -> ContainerLog? {
        pods.withLock { $0[Self.key(namespace, name)] }?.worker.logs.log(container: container, previous: previous)
    }

    /// The container names of a running pod, for error messages of `pods/log`.
    public func containerNames(namespace: String, name: String) -> [String]? {
        pods.withLock { $0[Self.key(namespace, name)] }?.worker.logs.names
    }

    /// The pod IP the runtime gave the pod, if it runs here.
    public func podIP(namespace: String, name: String) -> String? {
        pods.withLock { $0[Self.key(namespace, name)] }?.ip
    }

    /// The process IDs of a pod's running containers (tests check they are gone after deletion).
    public func processIDs(namespace: String, name: String) async -> [Int32] {
        guard let entry = pods.withLock({ $0[Self.key(namespace, name)] }) else { return [] }
        return await entry.worker.processIDs
    }

    public var runningPods: [String] { pods.withLock { Array($0.keys).sorted() } }
}
