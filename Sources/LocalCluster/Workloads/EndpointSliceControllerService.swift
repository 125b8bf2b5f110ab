import DozeJSON

/// Runs the endpointslice controller against the store: a change to a Service, to a pod of its
/// namespace, or to one of its managed slices queues the Service.
struct EndpointSliceControllerService: Sendable {
    let store: ObjectStore
    let options: PodRuntimeOptions

    func run() async throws {
        let queue = KeyQueue()
        let services = try store.watch(.services)
        let pods = try store.watch(.pods)
        let slices = try store.watch(.endpointSlices)
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in services where event.type != .bookmark {
                        await queue.add("\(event.namespace)/\(event.name)")
                    }
                }
                group.addTask {
                    // A pod's labels may have matched a selector before this change and not after,
                    // so every Service of the namespace takes a look (namespaces hold few Services).
                    for await event in pods where event.type != .bookmark {
                        let names = (try? store.list(.services, namespace: event.namespace).items) ?? []
                        for service in names {
                            await queue.add("\(event.namespace)/\(service[path: "metadata", "name"].string ?? "")")
                        }
                    }
                }
                group.addTask {
                    for await event in slices {
                        guard let service = event.object[path: "metadata", "labels", EndpointSliceReconciler.serviceNameLabel].string
                        else { continue }
                        await queue.add("\(event.namespace)/\(service)")
                    }
                }
                group.addTask {
                    while let key = await queue.next() { await reconcile(key, queue: queue) }
                }
                await group.next()
                await queue.close()
                group.cancelAll()
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
