import DozeJSON
import Foundation
import LocalCluster

/// Counts Apps whose Ready condition is True from one watch on Apps, O(1) per event, so a
/// benchmark measures the controller rather than its own polling (listing every App on every
/// change made "1,000 Apps Ready" quadratic in the observer).
struct ReadyCounter {
    let watch: StoreWatch

    /// Opens the watch now: existing Apps arrive as ADDED, then every change.
    init(_ store: ObjectStore, _ gvr: GroupVersionResource) throws {
        watch = try store.openWatch(gvr, WatchOptions(resourceVersion: "0"))
    }

    static func isReady(_ app: JSON) -> Bool {
        app[path: "status", "conditions"].array?.contains { $0["type"] == "Ready" && $0["status"] == "True" } ?? false
    }

    /// Consumes the watch until `target` Apps are Ready at the same time; false after `timeout`
    /// seconds. Ends the watch either way.
    func wait(for target: Int, timeout: Double) async -> Bool {
        let events = watch.events
        let result = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var ready = Set<String>()
                for await event in events {
                    let key = event.namespace + "/" + event.name
                    if event.type != .deleted && Self.isReady(event.object) { ready.insert(key) } else { ready.remove(key) }
                    if ready.count >= target { return true }
                }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return false
            }
            let first = await group.next() ?? false
            watch.stop()  // ends the consumer if the timer won
            group.cancelAll()
            return first
        }
        return result
    }
}
