import DozeJSON
import Foundation
import KubeClient
import Synchronization
import Testing
@testable import Proxy

/// The wake path against an in-process local cluster running pods as real processes: Apps and
/// EndpointSlices watched through KubeClient, the Deployment scaled through the API, python's
/// http.server as the app.
@Suite(.serialized) struct WakeIntegrationTests {
    @Test func firstRequestToASleepingAppAnswers200AfterOneScaleCall() async throws {
        let cluster = try await WakeCluster { try await $0.app("web", spec: ["route": ["host": "web.test"]]) }
        defer { Task { await cluster.stop() } }
        let r = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "web.test")
        #expect(r.status == 200, "\(r.head)\(r.body)")
        #expect(r.body.contains("Directory listing"))
        #expect(cluster.deployment("default", "web")?[path: "spec", "replicas"].int == 1)
        #expect(cluster.scaleWrites("default", "web") == 1)
        // Awake now: the next request takes the warm path, no more scale calls.
        let again = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "web.test")
        #expect(again.status == 200)
        #expect(cluster.scaleWrites("default", "web") == 1)
        #expect(cluster.proxy.metrics.wake.wakesTotal == 1)
        let metrics = await httpRequest(port: cluster.proxy.adminPort, "GET", "/metrics")
        #expect(metrics.body.contains("doze_proxy_wakes_total 1"))
        #expect(metrics.body.contains("doze_proxy_wake_duration_seconds_count 1"))
        await cluster.stop()
    }

    @Test func twoHundredConcurrentRequestsAllAnswer200WithOneScaleCall() async throws {
        let cluster = try await WakeCluster { try await $0.app("crowd", spec: ["route": ["host": "crowd.test"]]) }
        let port = cluster.proxy.port
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask { await httpRequest(port: port, "GET", "/?n=\(i)", host: "crowd.test").status }
            }
            return await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(statuses == [200: 200])
        #expect(cluster.scaleWrites("default", "crowd") == 1)
        #expect(cluster.proxy.metrics.wake.wakesTotal == 1)
        #expect(cluster.proxy.apps.heldCount == 0)
        await cluster.stop()
    }

    @Test func startupTimeoutAnswers503WithRetryAfter() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("stuck", spec: ["route": ["host": "stuck.test"], "scaling": ["startupTimeout": "1s"]],
                             command: ["sleep", "30"])
        }
        let started = ContinuousClock.now
        let r = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "stuck.test")
        let waited = ContinuousClock.now - started
        #expect(r.status == 503)
        #expect(r.head.lowercased().contains("retry-after: 5"))
        #expect(r.body == "503 Service Unavailable: app default/stuck did not become ready within 1s (startup timeout)\n")
        #expect(waited >= .milliseconds(900) && waited < .seconds(10))
        #expect(cluster.scaleWrites("default", "stuck") == 1)
        let metrics = await httpRequest(port: cluster.proxy.adminPort, "GET", "/metrics")
        #expect(metrics.body.contains("doze_proxy_rejected_total{cause=\"startup timeout\"} 1"))
        await cluster.stop()
    }

    @Test func fenceHoldsRequestsAndUnfenceReleasesThem() async throws {
        let cluster = try await WakeCluster { try await $0.app("fenced", spec: ["route": ["host": "fenced.test"]]) }
        let port = cluster.proxy.port, admin = cluster.proxy.adminPort
        #expect(await httpRequest(port: port, "GET", "/", host: "fenced.test").status == 200)  // wakes it

        let fence = await httpRequest(port: admin, "POST", "/fence", body: #"{"app":"default/fenced","ttlMillis":10000}"#)
        #expect(fence.status == 200)
        let answer = try JSON(parsing: Array(fence.body.utf8))
        #expect(answer["replica"] == "test-proxy" && answer["app"] == "default/fenced")
        #expect(answer["inFlight"] == 0 && answer["openTunnels"] == 0)

        let held = Task { await httpRequest(port: port, "GET", "/", host: "fenced.test") }
        let app = try #require(cluster.proxy.apps.runtime(named: "default/fenced"))
        #expect(await waitFor { app.heldCount == 1 })
        let activity = try JSON(parsing: Array(await httpRequest(port: admin, "GET", "/activity").body.utf8))
        #expect(activity["replica"] == "test-proxy")
        #expect(activity["apps"]["default/fenced"]["inFlight"] == 1, "a held request counts as in flight")

        // A held request whose client gives up leaves the queue.
        let quitter = try await onThread { [port] in
            let c = try RawClient(port: port)
            c.send("GET /quit HTTP/1.1\r\nHost: fenced.test\r\n\r\n")
            return SendableBox(c)
        }
        #expect(await waitFor { app.heldCount == 2 })
        quitter.value.shutdownBoth()
        #expect(await waitFor { app.heldCount == 1 })

        let unfence = await httpRequest(port: admin, "POST", "/unfence", body: #"{"app":"default/fenced","slept":false}"#)
        #expect(unfence.status == 200)
        #expect(try JSON(parsing: Array(unfence.body.utf8)) == ["replica": "test-proxy", "app": "default/fenced"])
        #expect(await held.value.status == 200)
        #expect(cluster.scaleWrites("default", "fenced") == 1, "no wake while fenced or after slept:false")

        let after = try JSON(parsing: Array(await httpRequest(port: admin, "GET", "/activity").body.utf8))
        #expect(after["apps"]["default/fenced"]["inFlight"] == 0)
        #expect((after["apps"]["default/fenced"]["idleMillis"].int ?? -1) >= 0)
        #expect(await httpRequest(port: admin, "POST", "/fence", body: "{}").status == 400)
        let unknown = await httpRequest(port: admin, "POST", "/fence", body: #"{"app":"default/nobody","ttlMillis":100}"#)
        #expect(unknown.status == 200 && unknown.body.contains(#""inFlight":0"#))
        await cluster.stop()
    }

    @Test func unfenceAfterSleepTakesTheWakePathInsteadOfTheOldPod() async throws {
        let cluster = try await WakeCluster { try await $0.app("napper", spec: ["route": ["host": "napper.test"]]) }
        let port = cluster.proxy.port, admin = cluster.proxy.adminPort
        #expect(await httpRequest(port: port, "GET", "/", host: "napper.test").status == 200)
        #expect(await cluster.eventually { cluster.readyEndpoints("default", "napper") == 1 })

        // The controller's sleep: fence, scale to 0, unfence slept:true, while a request waits.
        #expect(await httpRequest(port: admin, "POST", "/fence", body: #"{"app":"default/napper","ttlMillis":10000}"#).status == 200)
        let held = Task { await httpRequest(port: port, "GET", "/", host: "napper.test") }
        let app = try #require(cluster.proxy.apps.runtime(named: "default/napper"))
        #expect(await waitFor { app.heldCount == 1 })
        _ = try await cluster.client.api(Deployment.self, namespace: "default").scale("napper", replicas: 0)
        #expect(await httpRequest(port: admin, "POST", "/unfence", body: #"{"app":"default/napper","slept":true}"#).status == 200)

        let r = await held.value
        #expect(r.status == 200, "\(r.head)\(r.body)")
        // The proxy's first wake, the test's own scale to 0, and the proxy's second wake (0 → 1).
        #expect(cluster.scaleWrites("default", "napper") == 3, "woken again by the held request")
        #expect(cluster.deployment("default", "napper")?[path: "spec", "replicas"].int == 1)
        await cluster.stop()
    }

    @Test func aPodKilledUnderTrafficNeverCausesA502() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("sturdy", spec: ["route": ["host": "sturdy.test"]], replicas: 1)
        }
        let port = cluster.proxy.port
        #expect(await cluster.eventually { cluster.readyEndpoints("default", "sturdy") == 1 })
        #expect(await httpRequest(port: port, "GET", "/", host: "sturdy.test").status == 200)
        let pod = try #require(cluster.pods("default", "sturdy").first)

        // Four clients loop while the pod is deleted (its process gets SIGTERM and exits at once).
        let stop = StopFlag()
        let clients = (0..<4).map { _ in
            Task { () -> [Int: Int] in
                var seen: [Int: Int] = [:]
                while !stop.isSet { seen[await httpRequest(port: port, "GET", "/", host: "sturdy.test").status, default: 0] += 1 }
                return seen
            }
        }
        _ = try await cluster.client.api(Pod.self, namespace: "default").delete(pod)
        #expect(await cluster.eventually { cluster.pods("default", "sturdy").contains { $0 != pod } && cluster.readyEndpoints("default", "sturdy") == 1 })
        #expect(await httpRequest(port: port, "GET", "/", host: "sturdy.test").status == 200)
        stop.set()
        var total: [Int: Int] = [:]
        for c in clients { for (k, v) in await c.value { total[k, default: 0] += v } }
        #expect(total.keys.sorted() == [200], "\(total)")
        await cluster.stop()
    }

    /// A tunnel's traffic is activity; a silent tunnel is not (it must not keep an App awake).
    @Test func tunnelTrafficIsActivityAndASilentTunnelIsNot() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("chat", spec: ["route": ["host": "chat.test"]], command: ["python3", "-c", Self.upgradeEcho])
        }
        let admin = cluster.proxy.adminPort
        func activity() async throws -> JSON {
            try JSON(parsing: Array(await httpRequest(port: admin, "GET", "/activity").body.utf8))["apps"]["default/chat"]
        }
        // The upgrade request itself wakes the App.
        let client = try await onThread { [port = cluster.proxy.port] in
            let c = try RawClient(port: port)
            c.send("GET /chat HTTP/1.1\r\nHost: chat.test\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
            _ = try c.read(until: "\r\n\r\n")
            return SendableBox(c)
        }
        #expect(client.value.text.hasPrefix("HTTP/1.1 101"), "\(client.value.text)")
        _ = try await onThread { client.value.send("ping"); return try client.value.read(until: "ping") }
        var a = try await activity()
        #expect(a["openTunnels"] == 1 && a["inFlight"] == 0)

        // Silent: idle time grows although the tunnel is open.
        var idle = 0
        #expect(await waitFor(seconds: 5) {
            idle = (try? JSON(parsing: Array(blockingGet(port: admin, "/activity").utf8)))?["apps"]["default/chat"]["idleMillis"].int ?? 0
            return idle >= 300
        })
        _ = try await onThread { client.value.send("pong"); return try client.value.read(until: "pong") }
        a = try await activity()
        #expect((a["idleMillis"].int ?? .max) < idle, "traffic reset the idle time")
        client.value.shutdownBoth()
        #expect(await waitFor { (try? JSON(parsing: Array(blockingGet(port: admin, "/activity").utf8)))?["apps"]["default/chat"]["openTunnels"] == 0 })
        await cluster.stop()
    }

    /// A pod that answers 200 to plain requests (its health path) and echoes after 101 to upgrades.
    static let upgradeEcho = """
import os, socket, threading
def handle(c):
    buf = b""
    while b"\\r\\n\\r\\n" not in buf:
        d = c.recv(65536)
        if not d: return c.close()
        buf += d
    if b"upgrade: echo" in buf.lower():
        c.sendall(b"HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: echo\\r\\nConnection: Upgrade\\r\\n\\r\\n")
        while True:
            d = c.recv(65536)
            if not d: break
            c.sendall(d)
    else:
        c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\nConnection: close\\r\\n\\r\\nok\\n")
    c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((os.environ["POD_IP"], int(os.environ["PORT"])))
s.listen(64)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
"""

    /// The scale call fails while the Deployment does not exist yet (the controller is slow):
    /// it is retried with backoff while the request waits, and the request still gets 200.
    @Test func aFailedScaleCallIsRetriedWhileRequestsWait() async throws {
        let cluster = try await WakeCluster {
            try await $0.app("late", spec: ["route": ["host": "late.test"]], withDeployment: false)
        }
        let request = Task { await httpRequest(port: cluster.proxy.port, "GET", "/", host: "late.test") }
        #expect(await waitFor { cluster.scaleWrites("default", "late") >= 1 }, "the first scale call (404)")
        try await WakeCluster.Setup(client: cluster.client).deployment("late")
        let r = await request.value
        #expect(r.status == 200, "\(r.head)\(r.body)")
        #expect(cluster.scaleWrites("default", "late") >= 2)
        #expect(cluster.deployment("default", "late")?[path: "spec", "replicas"].int == 1)
        await cluster.stop()
    }

    @Test func onlyTheWatchedNamespacesAreRouted() async throws {
        let cluster = try await WakeCluster(namespaces: ["team-a"]) {
            try await $0.app("inside", namespace: "team-a", spec: ["route": ["host": "inside.test"]])
            try await $0.app("outside", namespace: "team-b", spec: ["route": ["host": "outside.test"]])
        }
        #expect(await httpRequest(port: cluster.proxy.port, "GET", "/", host: "inside.test").status == 200)
        let out = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "outside.test")
        #expect(out.status == 404)
        #expect(cluster.scaleWrites("team-b", "outside") == 0)
        await cluster.stop()
    }
}

/// Polls a condition that no event announces (state inside the proxy), up to `seconds`.
func waitFor(seconds: Double = 10, _ check: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if check() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return check()
}

final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Moves a test-only non-Sendable value across threads (used from one thread at a time).
final class SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs blocking socket code on a thread of its own, off the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread.detachNewThread { c.resume(with: Result { try body() }) }
    }
}

/// A short blocking GET for polling loops (the admin port answers at once).
func blockingGet(port: Int, _ path: String) -> String {
    guard let c = try? RawClient(port: port, timeoutSeconds: 5) else { return "" }
    c.send("GET \(path) HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n")
    return (try? c.readResponse().body) ?? ""
}
