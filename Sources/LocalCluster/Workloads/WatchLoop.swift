/// Follows a resource's watch for as long as the calling task runs: if the store ends the
/// stream, the watch is opened again (its initial ADDED events re-announce every object, which
/// a level-triggered controller handles like any other change).
enum WatchLoop {
    static func forEach(_ store: ObjectStore, _ gvr: GroupVersionResource,
                        _ body: (WatchEvent) async -> Void) async throws {
        while !Task.isCancelled {
            let events = try store.watch(gvr)
            for await event in events where event.type != .bookmark && event.type != .error {
                await body(event)
            }
        }
    }
}
