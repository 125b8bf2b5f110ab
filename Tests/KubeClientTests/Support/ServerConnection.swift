import DozeJSON
import Foundation
import Glibc
import Synchronization

/// One client connection of the `ScriptedServer`, as the handler sees it.
final class ServerConnection: Sendable {
    let fd: Int32
    private let closed = Atomic<Bool>(false)

    init(fd: Int32) { self.fd = fd }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// A complete response with a Content-Length body.
    func respond(_ status: Int, headers: [String: String] = [:], body: [UInt8]) {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(body.count)\r\n"
        if headers["Content-Type"] == nil { head += "Content-Type: application/json\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        write(Array((head + "\r\n").utf8) + body)
    }

    func respond(_ status: Int, headers: [String: String] = [:], json: JSON) {
        respond(status, headers: headers, body: json.serializedBytes())
    }

    /// A Status error body, as the API server sends.
    func respondStatus(_ code: Int, reason: String, message: String = "scripted", headers: [String: String] = [:]) {
        let status: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                            "code": JSON(code), "reason": JSON(reason), "message": JSON(message)]
        respond(code, headers: headers, json: status)
    }

    /// Starts a chunked response (a watch).
    func startChunked(_ status: Int = 200) {
        write("HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    /// One chunk holding one line (a watch event plus its newline), flushed at once.
    func writeLine(_ json: JSON) {
        var line = json.serializedBytes()
        line.append(0x0A)
        writeChunk(line)
    }

    func writeChunk(_ bytes: [UInt8]) {
        write(Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10])
    }

    /// The terminating chunk: a clean end of the response.
    func endChunked() { write("0\r\n\r\n") }

    /// Ends the connection mid-response (or instead of one): the client sees a dropped connection.
    /// Only shuts the socket down: the descriptor is closed by the server's connection thread,
    /// under the server's lock, once it has left the set `stop()` shuts down — closing it here
    /// would let `stop()` shut down whatever connection the number is reused for next (another
    /// test's, which then fails with "connection reset by peer").
    func drop() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
