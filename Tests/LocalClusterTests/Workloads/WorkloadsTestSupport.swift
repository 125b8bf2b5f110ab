import Foundation
import Synchronization
import DozeJSON
@testable import LocalCluster

/// Collects the statuses a PodRuntime reports and lets a test await one that matches, with an
/// upper bound instead of a sleep.
final class StatusRecorder: Sendable {
    private struct State {
        var latest: [String: JSON] = [:]
        var all: [String: [JSON]] = [:]
        var waiters: [(id: Int, key: String, match: @Sendable (JSON) -> Bool, c: CheckedContinuation<JSON?, Never>)] = []
        var nextID = 0
    }
    private let state = Mutex(State())

    var sink: PodRuntime.StatusSink {
        { namespace, name, _, status in self.record("\(namespace)/\(name)", status) }
    }

    func record(_ key: String, _ status: JSON) {
        let ready = state.withLock { s -> [CheckedContinuation<JSON?, Never>] in
            s.latest[key] = status
            s.all[key, default: []].append(status)
            let hits = s.waiters.filter { $0.key == key && $0.match(status) }
            s.waiters.removeAll { w in hits.contains { $0.id == w.id } }
            return hits.map(\.c)
        }
        ready.forEach { $0.resume(returning: status) }
    }

    func latest(_ key: String) -> JSON? { state.withLock { $0.latest[key] } }
    func history(_ key: String) -> [JSON] { state.withLock { $0.all[key] ?? [] } }

    /// The first reported status of `key` (the latest one included) that matches, or nil after `timeout`.
    func wait(_ key: String, timeout: Double = 20, _ match: @escaping @Sendable (JSON) -> Bool) async -> JSON? {
        let id = state.withLock { s -> Int in s.nextID += 1; return s.nextID }
        let timer = Task {
            try await Task.sleep(for: .seconds(timeout))
            let c = state.withLock { s -> CheckedContinuation<JSON?, Never>? in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i).c
            }
            c?.resume(returning: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { c in
            let now = state.withLock { s -> JSON? in
                if let l = s.latest[key], match(l) { return l }
                s.waiters.append((id, key, match, c))
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }
}

extension JSON {
    var isReadyPod: Bool {
        self["conditions"].array?.contains { $0["type"].string == "Ready" && $0["status"].string == "True" } ?? false
    }
    func container(_ i: Int = 0) -> JSON { self["containerStatuses"][i] }
}

/// A pod as the API server would hold it.
func testPod(_ name: String, namespace: String = "default", containers: [JSON], extraSpec: JSON = .emptyObject) -> JSON {
    var spec: JSON = ["containers": .array(containers), "restartPolicy": "Always", "terminationGracePeriodSeconds": 5]
    for (k, v) in extraSpec.object ?? [:] { spec[k] = v }
    return ["apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "uid": .string(UUID().uuidString.lowercased())],
            "spec": spec]
}

/// Whether a process with this pid still exists (a zombie counts as gone: it runs nothing).
func processAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return false }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.first != "Z"
}

/// One HTTP GET with a short deadline; the status code, or nil when nothing answered.
func httpStatus(_ host: String, _ port: Int, path: String = "/") -> Int? {
    if case .success = ProbeExecutor.httpGet(host: host, port: port, path: path, headers: [], timeout: 2) { return 200 }
    return nil
}

/// A free TCP port on `host` (bound and released; the kernel will not hand it out again at once).
func freePort(on host: String = "127.0.0.1") -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, host, &addr.sin_addr)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// A /24 of loopback addresses of its own, so concurrent tests (and test runs) never share a pod IP.
func testIPPool() -> PodIPPool {
    let b = Int.random(in: 2...250), c = Int.random(in: 0...255)
    return PodIPPool(first: "127.\(b).\(c).1", last: "127.\(b).\(c).254")
}
