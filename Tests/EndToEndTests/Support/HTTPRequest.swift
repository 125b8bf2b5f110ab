import Foundation
import TestSupport

/// One request on its own connection, on its own thread (RawClient blocks), with a bounded wait.
/// Status 0 and the error in `head` when the connection failed.
func httpRequest(port: Int, _ method: String = "GET", _ path: String = "/", host: String,
                 body: String = "", timeoutSeconds: Int = 60) async -> (status: Int, head: String, body: String) {
    await withCheckedContinuation { c in
        Thread.detachNewThread {
            do {
                let client = try RawClient(port: port, timeoutSeconds: timeoutSeconds)
                let length = method == "POST" || !body.isEmpty ? "Content-Length: \(body.utf8.count)\r\n" : ""
                client.send("\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n\(length)Connection: close\r\n\r\n\(body)")
                c.resume(returning: try client.readResponse())
            } catch {
                c.resume(returning: (0, "\(error)", ""))
            }
        }
    }
}

/// Whether something accepts TCP connections at host:port now.
func isListening(host: String, port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr(host)
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// Whether a process with this PID exists. A zombie counts: its leader thread can be a zombie
/// while its other threads (and its sockets) live on; doze reaps its pods, so gone means reaped.
func processExists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }
