import Glibc

/// A blocking TCP client for integration tests; every read is bounded by a receive timeout so
/// a silent peer fails the test instead of hanging it.
public final class RawClient {
    public let fd: Int32
    public private(set) var received: [UInt8] = []

    public init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { close(fd); throw RawClientError(message: "connect to \(port) failed: errno \(errno)") }
    }

    deinit { close(fd) }

    /// Ends the connection both ways now (the descriptor is closed at deinit).
    public func shutdownBoth() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads once; false at EOF or reset; throws on timeout.
    @discardableResult
    public func readSome() throws -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == ECONNRESET { return false }
            throw RawClientError(message: "read timed out or failed: errno \(errno)")
        }
        received += buf[0..<n]
        return n > 0
    }

    public var text: String { String(decoding: received, as: UTF8.self) }

    /// Reads until the received text contains `marker`; returns the text so far.
    public func read(until marker: String) throws -> String {
        while !text.contains(marker) {
            guard try readSome() else { throw RawClientError(message: "closed before \"\(marker)\"; got: \(text)") }
        }
        return text
    }

    /// Reads until the peer closes; returns everything received.
    public func readToClose() throws -> String {
        while try readSome() {}
        return text
    }

    /// Reads one response with a Content-Length body (or none); returns status, head and body text,
    /// consuming it from the buffer so the next response on the connection can be read.
    public func readResponse() throws -> (status: Int, head: String, body: String) {
        while !text.contains("\r\n\r\n") {
            guard try readSome() else { throw RawClientError(message: "closed before a response head; got: \(text)") }
        }
        let headEnd = received.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound
        let head = String(decoding: received[..<headEnd], as: UTF8.self)
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: " ")) } ?? 0
        while received.count < headEnd + length {
            guard try readSome() else { throw RawClientError(message: "closed inside a body") }
        }
        let body = String(decoding: received[headEnd..<(headEnd + length)], as: UTF8.self)
        received.removeFirst(headEnd + length)
        let status = Int(head.split(separator: " ")[1]) ?? 0
        return (status, head, body)
    }
}

public struct RawClientError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed().map { $0 }.reduce(into: "") { $0.append($1) }[...]
    }
}
