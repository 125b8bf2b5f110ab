import Glibc

/// A blocking TCP client for integration tests; every read is bounded by a receive timeout so
/// a silent peer fails the test instead of hanging it.
public final class RawClient {
    public let fd: Int32
    public private(set) var received: [UInt8] = []

    public init(port: Int, timeoutSeconds: Int = 10) throws {
        do throws(LoopbackConnectError) {
            fd = try connectLoopback(port: port, receiveTimeoutSeconds: timeoutSeconds)
        } catch {
            throw RawClientError(message: "connect to \(port) failed: errno \(error.errno)")
        }
    }

    deinit { close(fd) }

    /// Ends the connection both ways now (the descriptor is closed at deinit).
    public func shutdownBoth() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) { sendAll(fd, bytes) }

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
