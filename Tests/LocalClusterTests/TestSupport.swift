import DozeJSON
import Foundation
@testable import LocalCluster

/// Reads the next `count` events of a stream, giving up after `seconds` (the upper bound on a
/// wait; a test never sleeps for the event itself).
func nextEvents<S: AsyncSequence & Sendable>(_ stream: S, count: Int, within seconds: Double = 5) async -> [S.Element]
where S.Element: Sendable {
    await withTaskGroup(of: [S.Element]?.self) { group in
        group.addTask {
            var out: [S.Element] = []
            var it = stream.makeAsyncIterator()
            while out.count < count, let e = try? await it.next() { out.append(e) }
            return out
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        var result: [S.Element] = []
        for await r in group {
            if let r { result = r }
            group.cancelAll()
            break
        }
        return result
    }
}

func configMap(_ name: String, namespace: String = "default", labels: [String: String] = [:],
               data: [String: String] = [:]) -> JSON {
    ["metadata": ["name": .string(name), "namespace": .string(namespace), "labels": JSON(labels)],
     "data": JSON(data)]
}

func deployment(_ name: String, namespace: String = "default", replicas: Int = 1) -> JSON {
    ["apiVersion": "apps/v1", "kind": "Deployment",
     "metadata": ["name": .string(name), "namespace": .string(namespace)],
     "spec": ["replicas": JSON(replicas), "selector": ["matchLabels": ["app": .string(name)]],
              "template": ["metadata": ["labels": ["app": .string(name)]],
                           "spec": ["containers": [["name": "app", "image": "nginx:1.27"]]]]]]
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_700_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: Double) { lock.withLock { current += seconds } }
}
