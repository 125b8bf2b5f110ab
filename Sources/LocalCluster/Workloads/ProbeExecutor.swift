import Foundation
import Glibc

/// Runs one probe attempt against a pod IP. Socket work happens on a dedicated thread with its own
/// deadline so a hung app never blocks the cooperative thread pool.
enum ProbeExecutor {
    static func run(_ action: Probe.Action, podIP: String, timeoutSeconds: Int, env: [String]) async -> ProbeOutcome {
        let timeout = Double(timeoutSeconds)
        switch action {
        case .httpGet(let scheme, let host, let port, let path, let headers):
            guard scheme == "HTTP" else { return .failure("\(scheme) probes are not supported by this runtime") }
            let target = host ?? podIP
            return await onThread { httpGet(host: target, port: port, path: path, headers: headers, timeout: timeout) }
        case .tcpSocket(let host, let port):
            return await onThread {
                switch connectSocket(host ?? podIP, port, deadline: Date() + timeout) {
                case .success(let fd): close(fd); return .success
                case .failure(let message): return .failure(message)
                }
            }
        case .exec(let command):
            return await exec(command, env: env, timeout: timeout)
        case .unsupported(let message):
            return .failure(message)
        }
    }

    private static func onThread(_ work: @escaping @Sendable () -> ProbeOutcome) async -> ProbeOutcome {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    /// kubelet's HTTP probe: any status from 200 to 399 is success.
    static func httpGet(host: String, port: Int, path: String, headers: [(String, String)], timeout: Double) -> ProbeOutcome {
        let deadline = Date() + timeout
        let fd: Int32
        switch connectSocket(host, port, deadline: deadline) {
        case .success(let s): fd = s
        case .failure(let message): return .failure("Get \"http://\(host):\(port)\(path)\": \(message)")
        }
        defer { close(fd) }
        var request = "GET \(path.isEmpty ? "/" : path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        request += "User-Agent: kube-probe/1.33\r\nAccept: */*\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            guard waitFor(fd, POLLOUT, deadline: deadline) else { return .failure("Get \"http://\(host):\(port)\(path)\": context deadline exceeded") }
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return .failure("Get \"http://\(host):\(port)\(path)\": write: \(errnoText(errno))") }
            sent += n
        }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !head.contains(UInt8(ascii: "\n")) {
            guard waitFor(fd, POLLIN, deadline: deadline) else {
                return .failure("Get \"http://\(host):\(port)\(path)\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return .failure("Get \"http://\(host):\(port)\(path)\": EOF") }
            head += buffer[0..<n]
        }
        let statusLine = String(decoding: head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else { return .failure("malformed HTTP response: \(statusLine)") }
        return (200..<400).contains(code) ? .success : .failure("HTTP probe failed with statuscode: \(code)")
    }

    enum Connected { case success(Int32), failure(String) }

    static func connectSocket(_ host: String, _ port: Int, deadline: Date) -> Connected {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { return .failure("invalid probe host \(host)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure("socket: \(errnoText(errno))") }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 && errno != EINPROGRESS {
            let message = "dial tcp \(host):\(port): connect: \(errnoText(errno))"
            close(fd)
            return .failure(message)
        }
        guard waitFor(fd, POLLOUT, deadline: deadline) else {
            close(fd)
            return .failure("dial tcp \(host):\(port): i/o timeout")
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        if error != 0 {
            close(fd)
            return .failure("dial tcp \(host):\(port): connect: \(errnoText(error))")
        }
        return .success(fd)
    }

    /// Go spells errno texts in lower case ("connection refused"); kubelet's messages carry them.
    static func errnoText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    private static func waitFor(_ fd: Int32, _ events: Int32, deadline: Date) -> Bool {
        while true {
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var p = pollfd(fd: fd, events: Int16(events), revents: 0)
            let r = poll(&p, 1, remaining)
            if r > 0 { return true }
            if r == 0 || errno != EINTR { return false }
        }
    }

    /// An exec probe: the command runs with the container's env; exit 0 is success. On timeout the
    /// process group is killed.
    static func exec(_ command: [String], env: [String], timeout: Double) async -> ProbeOutcome {
        let spawned: ProcessSpawner.Spawned
        do { spawned = try ProcessSpawner.spawn(argv: command, env: env, workingDir: nil) } catch {
            return .failure(error.description)
        }
        let log = ContainerLog(limit: 4096)
        async let drained: Void = ProcessSpawner.pump(spawned.output, into: log)
        let timer = Task {
            try await Task.sleep(for: .seconds(timeout))
            ProcessSpawner.signalGroup(spawned.pid, SIGKILL)
        }
        let exit = await ProcessSpawner.waitForExit(spawned.pid)
        timer.cancel()
        await drained
        if exit == .exited(0) { return .success }
        let output = log.text().trimmingCharacters(in: .whitespacesAndNewlines)
        return .failure("command \(command) exited with \(exit.exitCode): \(output)")
    }
}
