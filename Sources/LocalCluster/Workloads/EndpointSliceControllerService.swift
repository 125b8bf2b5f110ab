import DozeJSON

/// Runs the endpointslice controller against the store: a change to a Service, to a pod of its
/// namespace, or to one of its managed slices queues the Service.
struct EndpointSliceControllerService: Sendable {
    let store: ObjectStore
    let options: PodRuntimeOptions

    func run() async throws {
        let store = store
        try await ControllerLoop(store: store, triggers: [
            .init(resource: .services, keys: ControllerLoop.own),
            // A pod's labels may have matched a selector before this change and not after,
            // so every Service of the namespace takes a look (namespaces hold few Services).
            .init(resource: .pods) { event in
                ((try? store.list(.services, namespace: event.namespace).items) ?? [])
                    .map { "\(event.namespace)/\($0[path: "metadata", "name"].string ?? "")" }
            },
            .init(resource: .endpointSlices) { event in
                event.object[path: "metadata", "labels", EndpointSliceReconciler.serviceNameLabel].string
                    .map { ["\(event.namespace)/\($0)"] } ?? []
            },
        ]).run { key, queue in await reconcile(key, queue: queue) }
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
