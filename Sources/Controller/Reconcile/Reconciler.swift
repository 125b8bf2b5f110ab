import DozeJSON
import Foundation
import KubeClient
import Synchronization

/// The caches a reconcile reads: Apps and the children the controller owns. Secrets are absent
/// on purpose: the controller may write them but not read them (see the chart's RBAC).
public struct ControllerStores: Sendable {
    public var apps: KindStore
    public var deployments: KindStore
    public var services: KindStore
    public var claims: KindStore
    /// HorizontalPodAutoscalers (any name): the Deployments they target keep their replicas.
    public var autoscalers: KindStore?

    public init(apps: KindStore, deployments: KindStore, services: KindStore, claims: KindStore, autoscalers: KindStore? = nil) {
        self.apps = apps
        self.deployments = deployments
        self.services = services
        self.claims = claims
        self.autoscalers = autoscalers
    }

    /// Whether an HPA scales this App's Deployment (`namespace/name`).
    func isAutoscaled(_ key: String) -> Bool {
        guard let autoscalers else { return false }
        return autoscalers.all.contains { AutoscalerIndex.target(of: $0) == key }
    }

    func store(for kind: String) -> KindStore? {
        switch kind {
        case "Deployment": return deployments
        case "Service": return services
        case "PersistentVolumeClaim": return claims
        default: return nil
        }
    }
}

/// Level-triggered reconcile of one App, `namespace/name`: read the caches, render, apply what
/// differs, write status if it changed, emit Events on transitions. Every API error throws (the
/// work queue backs off and retries); nothing here ever deletes.
public final class Reconciler: Sendable {
    private let client: KubeClient
    private let stores: ControllerStores
    private let routes: RouteIndex
    private let context: RenderContext
    private let writer: ChildWriter
    private let events: EventRecorder
    private let metrics: ControllerMetrics
    private let wallNow: @Sendable () -> Date
    /// Hash of the last applied version of each Secret (they cannot be read back to compare).
    private let appliedSecrets = Mutex<[String: String]>([:])

    public init(client: KubeClient, stores: ControllerStores, routes: RouteIndex, context: RenderContext,
                events: EventRecorder, metrics: ControllerMetrics, wallNow: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.stores = stores
        self.routes = routes
        self.context = context
        self.events = events
        self.metrics = metrics
        self.wallNow = wallNow
        writer = ChildWriter(client: client, metrics: metrics)
    }

    public func reconcile(_ key: String) async throws -> ReconcileOutcome {
        // Gone: the garbage collector deletes the owned children; claims stay (not owned).
        guard let object = stores.apps.get(key), object[path: "metadata", "deletionTimestamp"].isNull else {
            return .done
        }
        let verdict: AppObservation.Verdict
        // One read of the Deployment: the replica count we render and the resourceVersion the
        // apply is conditioned on must come from the same copy (see `applyChildren`).
        var deployment = stores.deployments.get(key)
        var desired = 0
        do {
            let app = try Controller.App(parsing: object)
            desired = Self.desiredReplicas(app.spec.scaling, live: deployment?[path: "spec", "replicas"].int,
                                           autoscaled: stores.isAutoscaled(key))
            if let other = routes.holder(ofRouteOf: key) {
                verdict = .routeConflict(other)
            } else {
                deployment = try await applyChildren(app, object: object, desired: desired, liveDeployment: deployment) ?? deployment
                verdict = .valid(url: context.externalURL(of: app.spec.route), scaleToZero: app.spec.scaling.scaleToZero)
            }
        } catch let invalid as InvalidSpec {
            verdict = .invalid(invalid)
        }
        try await writeStatus(object, AppObservation(verdict: verdict, deployment: deployment, desiredReplicas: desired))
        return .done
    }

    /// The replicas to render. The live count wins when there is a Deployment (the proxy's wake
    /// and the sleep logic set it through the scale subresource), kept within min and max; a
    /// new App starts asleep when it may sleep. Above zero, an HPA's count is kept as it is.
    public static func desiredReplicas(_ s: Scaling, live: Int?, autoscaled: Bool = false) -> Int {
        guard let live else { return s.scaleToZero ? 0 : s.minReplicas }
        if live == 0 && s.scaleToZero { return 0 }
        if autoscaled && live > 0 { return live }
        return min(max(live, s.minReplicas, 1), max(s.maxReplicas, s.minReplicas, 1))
    }

    /// Applies every child that differs from the cache; returns the Deployment if it was written.
    /// `liveDeployment` is the cached copy `desired` was computed from: the Deployment is diffed
    /// against it and applied with its resourceVersion, never with a later read's (the cache may
    /// have moved on meanwhile, e.g. to a proxy's wake, which the apply would then undo).
    private func applyChildren(_ app: Controller.App, object: JSON, desired: Int, liveDeployment: JSON?) async throws -> JSON? {
        let rendered = app.render(context, replicas: .count(desired))
        var deployment: JSON?
        for child in rendered.objects {
            var stamped = ChildDiff.stamped(child)
            let kind = child["kind"].string ?? ""
            let key = ObjectCache.key(of: child)
            if kind == "Secret" {
                let hash = ChildDiff.hash(of: child)
                if appliedSecrets.withLock({ $0[key] }) == hash { continue }
                _ = try await writer.apply(stamped)
                appliedSecrets.withLock { $0[key] = hash }
                continue
            }
            guard let store = stores.store(for: kind) else { continue }
            let live = kind == "Deployment" ? liveDeployment : store.get(key)
            guard ChildDiff.needsApply(stamped, live: live) else { continue }
            if kind == "Deployment", let rv = live?[path: "metadata", "resourceVersion"] {
                // Optimistic concurrency: replicas come from this cached copy; if the proxy has
                // scaled meanwhile, the apply fails with 409 and the reconcile runs again.
                stamped[path: "metadata", "resourceVersion"] = rv
            }
            let stored = try await writer.apply(stamped)
            store.writeThrough(stored)
            if kind == "Deployment" { deployment = stored }
        }
        for warning in rendered.warnings where warned(object, warning) {
            try await record(object, Transition(type: "Warning", reason: "SpecWarning", message: warning))
        }
        return deployment
    }

    private let warnedKeys = Mutex<Set<String>>([])

    /// Whether a warning is new for this generation of the App (remembered in memory).
    private func warned(_ object: JSON, _ warning: String) -> Bool {
        let key = "\(object[path: "metadata", "uid"].string ?? "")|\(object[path: "metadata", "generation"].int ?? 0)|\(warning)"
        return warnedKeys.withLock { $0.insert(key).inserted }
    }

    private func writeStatus(_ object: JSON, _ observation: AppObservation) async throws {
        let now = KubeTime.format(wallNow())
        let (status, transitions) = AppStatusBuilder.build(app: object, observation: observation, now: now)
        for t in transitions { try await record(object, t) }
        guard AppStatusBuilder.changed(old: object["status"], new: status) else { return }
        let meta = object["metadata"]
        let api = client.dynamicApi(.app, namespace: meta["namespace"].string)
        metrics.wrote("AppStatus")
        let stored = try await api.patchStatus(meta["name"].string ?? "", .merge(["status": status]))
        stores.apps.writeThrough(stored.json)
    }

    private func record(_ object: JSON, _ t: Transition) async throws {
        metrics.wrote("Event")
        try await events.record(about: object, type: t.type, reason: t.reason, message: t.message)
    }
}
