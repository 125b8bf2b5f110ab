import DozeJSON

/// Runs the deployment controller against the store: any change to a Deployment or to a pod it
/// owns queues that Deployment; each pass lists its pods afresh and applies the decision.
struct DeploymentControllerService: Sendable {
    let store: ObjectStore
    let options: PodRuntimeOptions

    func run() async throws {
        let owningDeployment = ControllerLoop.controllers(ofKind: "Deployment")
        try await ControllerLoop(store: store, triggers: [
            .init(resource: .deployments, keys: ControllerLoop.own),
            .init(resource: .replicaSets, keys: owningDeployment),
            .init(resource: .pods, keys: owningDeployment),
        ]).run { key, queue in await reconcile(key, queue: queue) }
    }

    private func reconcile(_ key: String, queue: KeyQueue) async {
        let (namespace, name) = splitKey(key)
        guard let deployment = try? store.get(.deployments, namespace: namespace, name: name),
              let pods = try? store.list(.pods, namespace: namespace).items,
              let replicaSets = try? store.list(.replicaSets, namespace: namespace).items else { return }
        let decision = DeploymentReconciler(now: options.now()).reconcile(deployment: deployment, pods: pods,
                                                                          replicaSets: replicaSets)
        let errors = StoreActions(store: store).apply(decision.actions)
        if errors.isEmpty { decision.events.forEach(options.events) }
        if !errors.isEmpty {
            await queue.add(key, after: 0.05, sleep: options.sleep)
        } else if let wait = decision.requeueAfter {
            await queue.add(key, after: wait, sleep: options.sleep)
        }
    }
}
