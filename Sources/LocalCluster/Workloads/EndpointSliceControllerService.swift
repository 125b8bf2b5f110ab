import DozeJSON

/// Runs the endpointslice controller against the store: a change to a Service, to a pod of its
/// namespace, or to one of its managed slices queues the Service.
struct EndpointSliceControllerService: Sendable {
    let store: ObjectStore
    let options: PodRuntimeOptions

    func run() async throws {
        let queue = KeyQueue()
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await WatchLoop.forEach(store, .services) { event in
                        await queue.add("\(event.namespace)/\(event.name)")
                    }
                }
                group.addTask {
                    // A pod's labels may have matched a selector before this change and not after,
                    // so every Service of the namespace takes a look (namespaces hold few Services).
                    try await WatchLoop.forEach(store, .pods) { event in
                        let names = (try? store.list(.services, namespace: event.namespace).items) ?? []
                        for service in names {
                            await queue.add("\(event.namespace)/\(service[path: "metadata", "name"].string ?? "")")
                        }
                    }
                }
                group.addTask {
                    try await WatchLoop.forEach(store, .endpointSlices) { event in
                        guard let service = event.object[path: "metadata", "labels", EndpointSliceReconciler.serviceNameLabel].string
                        else { return }
                        await queue.add("\(event.namespace)/\(service)")
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
        // A deleted Service's slices go with it through their ownerReferences (garbage collection).
        guard let service = try? store.get(.services, namespace: namespace, name: name),
              let pods = try? store.list(.pods, namespace: namespace).items,
              let slices = try? store.list(.endpointSlices, namespace: namespace,
                                           labelSelector: "\(EndpointSliceReconciler.serviceNameLabel)=\(name)").items
        else { return }
        let decision = EndpointSliceReconciler().reconcile(service: service, pods: pods, slices: slices)
        if !StoreActions(store: store).apply(decision.actions).isEmpty {
            await queue.add(key, after: 0.05, sleep: options.sleep)
        }
    }
}
