import DozeJSON
import Testing
@testable import Controller

@Suite struct ObjectCacheTests {
    func deployment(rv: String, replicas: Int, ready: Int) -> JSON {
        ["metadata": ["namespace": "team", "name": "web", "resourceVersion": .string(rv)],
         "spec": ["replicas": JSON(replicas)], "status": ["readyReplicas": JSON(ready)]]
    }

    @Test func writeThroughNeverReplacesWhatTheWatchDelivered() {
        let cache = ObjectCache()
        // The watch already delivered version 7, status included.
        cache.upsert(deployment(rv: "7", replicas: 0, ready: 0))
        // The sleep loop's local edit of an older copy, stamped with the same version: the
        // watch's object is the real one and stays.
        cache.writeThrough(deployment(rv: "7", replicas: 0, ready: 1))
        #expect(cache.get("team/web")?[path: "status", "readyReplicas"] == 0)
        // An answer older than what the watch has is ignored too.
        cache.writeThrough(deployment(rv: "6", replicas: 1, ready: 1))
        #expect(cache.get("team/web")?[path: "spec", "replicas"] == 0)
        // A newer answer (our write, not yet seen by the watch) goes in.
        cache.writeThrough(deployment(rv: "8", replicas: 1, ready: 0))
        #expect(cache.get("team/web")?[path: "spec", "replicas"] == 1)
    }
}
