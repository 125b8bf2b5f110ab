import DozeJSON

/// kubelet and scheduler in one: binds unscheduled pods to the local node, runs the pods bound to
/// it through the pod runtime, writes their status, and confirms their deletion once their
/// processes are gone (a pod being deleted gracefully stays in the store until then).
struct PodRuntimeService: Sendable {
    let store: ObjectStore
    let runtime: PodRuntime

    var nodeName: String { runtime.options.nodeName }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            try await WatchLoop.forEach(store, .pods) { event in handle(event, group: &group) }
        }
    }

    private func handle(_ event: WatchEvent, group: inout ThrowingTaskGroup<Void, any Error>) {
        let pod = event.object
        let facts = PodFacts(pod)
        let node = pod[path: "spec", "nodeName"].string ?? ""
        if event.type == .deleted {
            // Removed without our confirmation (grace period 0 or force): stop at once.
            group.addTask { await runtime.stop(namespace: facts.namespace, name: facts.name, uid: facts.uid, gracePeriodSeconds: 0) }
            return
        }
        if facts.isTerminating {
            guard node == nodeName else { return }
            let grace = pod[path: "metadata", "deletionGracePeriodSeconds"].int
            group.addTask {
                await runtime.stop(namespace: facts.namespace, name: facts.name, uid: facts.uid, gracePeriodSeconds: grace)
                // kubelet's final word: the pod's containers are gone, so the object may go too.
                _ = try? store.delete(.pods, namespace: facts.namespace, name: facts.name,
                                      options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: facts.uid))
            }
            return
        }
        if node.isEmpty {
            bind(facts)
        } else if node == nodeName {
            runtime.start(pod)
        }
    }

    /// The scheduler's part: there is one node, and every pod fits on it.
    private func bind(_ pod: PodFacts) {
        var bound = false
        _ = try? store.modify(.pods, namespace: pod.namespace, name: pod.name) { (obj: inout JSON) throws(APIError) in
            guard obj[path: "metadata", "uid"].string == pod.uid,
                  (obj[path: "spec", "nodeName"].string ?? "").isEmpty else { return }
            obj[path: "spec", "nodeName"] = .string(nodeName)
            bound = true
        }
        guard bound else { return }
        runtime.options.events(.pod(pod.pod, "Scheduled", "Successfully assigned \(pod.namespace)/\(pod.name) to \(nodeName)",
                                    component: "default-scheduler"))
    }

    /// Where the runtime's status reports go: the pod's status subresource, if it is still the
    /// same pod (a pod recreated under the same name has another uid).
    static func statusSink(store: ObjectStore) -> PodRuntime.StatusSink {
        { namespace, name, uid, status in
            _ = try? store.modify(.pods, namespace: namespace, name: name, target: .status) { (obj: inout JSON) throws(APIError) in
                guard obj[path: "metadata", "uid"].string == uid else { return }
                obj["status"] = status
            }
        }
    }
}
