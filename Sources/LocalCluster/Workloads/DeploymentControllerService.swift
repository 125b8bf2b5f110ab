import DozeJSON

/// Runs the deployment controller against the store: any change to a Deployment or to a pod it
/// owns queues that Deployment; each pass lists its pods afresh and applies the decision.
struct DeploymentControllerService: Sendable {
    let store: ObjectStore
    let options: PodRuntimeOptions

    func run() async throws {
        let queue = KeyQueue()
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await WatchLoop.forEach(store, .deployments) { event in
                        await queue.add("\(event.namespace)/\(event.name)")
                    }
                }
                group.addTask {
                    try await WatchLoop.forEach(store, .replicaSets) { event in
                        for owner in event.object[path: "metadata", "ownerReferences"].array ?? []
                        where owner["kind"] == "Deployment" && owner["controller"] == true {
                            await queue.add("\(event.namespace)/\(owner["name"].string ?? "")")
                        }
                    }
                }
                group.addTask {
                    try await WatchLoop.forEach(store, .pods) { event in
                        for owner in event.object[path: "metadata", "ownerReferences"].array ?? []
                        where owner["kind"] == "Deployment" && owner["controller"] == true {
                            await queue.add("\(event.namespace)/\(owner["name"].string ?? "")")
                        }
                    }
                }
                group.addTask {
                    while let key = await queue.next() { await reconcile(key, queue: queue) }
                }
                defer { group.cancelAll() }
                try await group.next()
                await queue.close()
            }
        } onCancel: {
            Task { await queue.close() }
        }
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

func splitKey(_ key: String) -> (namespace: String, name: String) {
    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
    return parts.count == 2 ? (parts[0], parts[1]) : ("", key)
}
