import DozeJSON
import Foundation
import Glibc
import Synchronization

/// A loopback HTTP/1.1 server that tests script: each request goes to the test's handler, which
/// answers through a `ServerConnection` (plain, chunked line by line, or by dropping the socket).
/// Plain Glibc sockets, one thread per connection; binds port 0 and reads the port back.
final class ScriptedServer: Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: [UInt8]
        /// The index of this request among all the server received (0-based).
        var index: Int

        var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        var query: [String: String] {
            var out: [String: String] = [:]
            for item in URLComponents(string: target)?.queryItems ?? [] { out[item.name] = item.value ?? "" }
            return out
        }
        var rawQuery: String { target.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }
        var bodyJSON: JSON? { try? JSON(parsing: body) }
    }

    typealias Handler = @Sendable (Request, ServerConnection) throws -> Void

    let port: UInt16
    private let core: ServerCore

    init(_ handler: @escaping Handler) throws {
        let (listener, port) = try Self.listen()
        self.port = port
        core = ServerCore(listener: listener, handler: handler)
        // The threads hold the core, not this object, so dropping the server stops them.
        let core = core
        let thread = Thread { core.acceptLoop() }
        thread.start()
    }

    deinit { core.stop() }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    var requests: [Request] { core.requests }

    func stop() { core.stop() }

    private static func listen() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

}

/// The sockets and threads of a `ScriptedServer`.
final class ServerCore: Sendable {
    typealias Request = ScriptedServer.Request
    private let listener: Int32
    private let handler: ScriptedServer.Handler
    private let state = Mutex<(requests: [Request], open: Set<Int32>, stopped: Bool)>(([], [], false))

    init(listener: Int32, handler: @escaping ScriptedServer.Handler) {
        self.listener = listener
        self.handler = handler
    }

    var requests: [Request] { state.withLock { $0.requests } }

    /// Closes the listener and every open connection.
    func stop() {
        let first = state.withLock { s in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        // Under the lock: a connection thread closes its descriptor only under it, after taking
        // it out of `open`, so every number here is still this server's connection.
        state.withLock { s in for fd in s.open { shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            let accepted = state.withLock { s -> Bool in
                if s.stopped { return false }
                s.open.insert(fd)
                return true
            }
            guard accepted else { close(fd); return }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        let connection = ServerConnection(fd: fd)
        defer {
            connection.drop()
            // Closed under the lock, after leaving `open`: `stop()` never sees a closed number.
            state.withLock { s in
                _ = s.open.remove(fd)
                close(fd)
            }
        }
        var reader = RequestReader(fd: fd)
        while !connection.isClosed, var request = reader.next(onExpectContinue: { connection.write("HTTP/1.1 100 Continue\r\n\r\n") }) {
            request.index = state.withLock { s in
                var recorded = request
                recorded.index = s.requests.count
                s.requests.append(recorded)
                return recorded.index
            }
            do { try handler(request, connection) } catch { connection.drop() }
        }
    }
}

/// Reads HTTP/1.1 requests off a socket (Content-Length bodies; what URLSession sends).
struct RequestReader {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    mutating func next(onExpectContinue: () -> Void) -> ScriptedServer.Request? {
        guard let headEnd = readUntilHeadEnd() else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if length > 0, headers["expect"]?.lowercased() == "100-continue" { onExpectContinue() }
        while buffer.count < length { guard fill() else { return nil } }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return ScriptedServer.Request(method: String(requestLine[0]), target: String(requestLine[1]),
                                      headers: headers, body: body, index: 0)
    }

    private mutating func readUntilHeadEnd() -> Int? {
        while true {
            if let end = find([13, 10, 13, 10]) { return end }
            guard fill() else { return nil }
        }
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for i in 0...(buffer.count - pattern.count) where buffer[i] == pattern[0] {
            if Array(buffer[i..<(i + pattern.count)]) == pattern { return i }
        }
        return nil
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[..<n])
        return true
    }
}
