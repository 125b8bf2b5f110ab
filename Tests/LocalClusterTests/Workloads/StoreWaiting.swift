import Foundation
import DozeJSON
@testable import LocalCluster

/// Waits until `check` holds, re-checking after every change to the watched resources; false
/// after `timeout` seconds. No sleeping: the store's watch events drive it.
func eventually(_ store: ObjectStore, watching resources: [GroupVersionResource], timeout: Double = 30,
                _ check: @escaping @Sendable () -> Bool) async -> Bool {
    if check() { return true }
    let streams = resources.compactMap { try? store.openWatch($0, WatchOptions(resourceVersion: store.resourceVersion)) }
    defer { streams.forEach { $0.stop() } }
    return await withTaskGroup(of: Bool.self) { group in
        for watch in streams {
            group.addTask {
                for await _ in watch.events where check() { return true }
                return false
            }
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(timeout))
            return check()
        }
        var result = false
        for await r in group {
            if r || Task.isCancelled { result = r; break }
        }
        group.cancelAll()
        streams.forEach { $0.stop() }
        return result
    }
}
