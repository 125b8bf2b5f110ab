import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// `doze controller` as a child process against a TestCluster, for tests that must kill a
/// controller the hard way (SIGKILL: no Lease release, no graceful anything).
final class ControllerProcess: Sendable {
    static var dozeBinary: String {
        if let env = ProcessInfo.processInfo.environment["DOZE_BINARY"] { return env }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/doze").path
    }

    let identity: String
    private let pid: Int32
    private let dir: URL
    private let exited = ExitLatch()
    private let process: UncheckedProcess

    /// Starts `doze controller` with POD_NAME=identity (its Lease holder identity).
    init(_ cluster: TestCluster, identity: String, leaseDuration: String, extraArguments: [String] = []) throws {
        self.identity = identity
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("doze-ctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let kubeconfig = dir.appendingPathComponent("kubeconfig")
        try Self.kubeconfig(server: cluster.url.absoluteString).write(to: kubeconfig, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.dozeBinary)
        p.arguments = ["controller", "--kubeconfig", kubeconfig.path, "--metrics-port", "0",
                       "--lease-namespace", "default", "--lease-duration", leaseDuration, "--workers", "2"] + extraArguments
        p.environment = ProcessInfo.processInfo.environment.merging(["POD_NAME": identity]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let exited = self.exited
        p.terminationHandler = { _ in exited.open() }
        try p.run()
        pid = p.processIdentifier
        process = UncheckedProcess(p)
    }

    static func kubeconfig(server: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: \(server)
        contexts:
        - name: test
          context:
            cluster: test
            user: test
        current-context: test
        users:
        - name: test
          user: {}

        """
    }

    /// User + system CPU time the process has used so far (from /proc/PID/stat).
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return 0 }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A field of /proc/PID/status in kB ("VmRSS", "VmHWM"), "?" if unreadable.
    func status(_ field: String) -> String { Self.statusField(field, of: "/proc/\(pid)/status") }

    static func statusField(_ field: String, of path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix(field + ":") }?
            .split(separator: " ").dropFirst().first.map(String.init) ?? "?"
    }

    /// Sends a signal (SIGKILL to crash it) and waits for the process to be gone.
    func kill(_ signal: Int32 = SIGKILL) async {
        if !exited.isOpen { _ = Glibc.kill(pid, signal) }
        await exited.wait()
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Process is thread-safe for what we use after launch (its pid); Foundation does not mark it Sendable.
private final class UncheckedProcess: @unchecked Sendable {
    let process: Process
    init(_ p: Process) { process = p }
}

/// Opens once (the process exited); waiters resume then, or at once if already open.
private final class ExitLatch: Sendable {
    private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    var isOpen: Bool { state.withLock { $0.done } }

    func open() {
        let waiters = state.withLock { s in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if !s.done { s.waiters.append(c) }
                return s.done
            }
            if done { c.resume() }
        }
    }
}
