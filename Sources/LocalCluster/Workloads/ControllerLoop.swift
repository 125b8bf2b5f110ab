import DozeJSON

/// The shell every in-cluster controller shares: watch some kinds, map each event to the keys
/// ("namespace/name") it should queue, and reconcile queued keys one at a time until cancelled.
struct ControllerLoop: Sendable {
    /// One watched kind and the keys an event of it queues.
    struct Trigger: Sendable {
        let resource: GroupVersionResource
        let keys: @Sendable (WatchEvent) -> [String]
    }

    let store: ObjectStore
    let triggers: [Trigger]

    func run(_ reconcile: @escaping @Sendable (String, KeyQueue) async -> Void) async throws {
        let queue = KeyQueue()
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for trigger in triggers {
                    group.addTask {
                        try await WatchLoop.forEach(store, trigger.resource) { event in
                            for key in trigger.keys(event) { await queue.add(key) }
                        }
                    }
                }
                group.addTask {
                    while let key = await queue.next() { await reconcile(key, queue) }
                }
                defer { group.cancelAll() }
                try await group.next()
                await queue.close()
            }
        } onCancel: {
            Task { await queue.close() }
        }
    }

    /// The event's own key.
    static func own(_ event: WatchEvent) -> [String] { ["\(event.namespace)/\(event.name)"] }

    /// The keys of the event object's controlling owners of `kind`.
    static func controllers(ofKind kind: String) -> @Sendable (WatchEvent) -> [String] {
        { event in
            (event.object[path: "metadata", "ownerReferences"].array ?? [])
                .filter { $0["kind"].string == kind && $0["controller"] == true }
                .map { "\(event.namespace)/\($0["name"].string ?? "")" }
        }
    }
}

func splitKey(_ key: String) -> (namespace: String, name: String) {
    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
    return parts.count == 2 ? (parts[0], parts[1]) : ("", key)
}
