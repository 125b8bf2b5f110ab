import DozeJSON
import Foundation
import TestSupport
import Testing
@testable import Proxy

/// Upgraded connections on an App route, as the controller sees them through `/activity`.
@Suite(.serialized) struct WakeTunnelActivityTests {
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
}
