import Foundation
import Glibc

/// Starting a container's process: posix_spawn in a new process group (so a signal to the group
/// reaches the shell and everything it started), stdin from /dev/null, stdout and stderr into one
/// pipe, no inherited descriptors, default signal dispositions, the container's env and workingDir.
enum ProcessSpawner {
    struct Spawned: Sendable {
        let pid: pid_t
        /// Read end of the pipe carrying stdout and stderr; the reader owns and closes it.
        let output: Int32
    }

    struct SpawnError: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// How a process ended, in the container runtime's terms.
    enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)

        /// What kubelet shows as exitCode: a signal death is 128 + the signal number.
        var exitCode: Int32 {
            switch self {
            case .exited(let c): return c
            case .signaled(let s): return 128 + s
            }
        }
    }

    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    static func spawn(argv: [String], env: [String], workingDir: String?) throws(SpawnError) -> Spawned {
        guard let program = argv.first else { throw SpawnError(description: "empty command") }
        let path = env.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? defaultPath
        guard let executable = resolve(program, path: path, workingDir: workingDir) else {
            throw SpawnError(description: "exec: \"\(program)\": executable file not found in $PATH")
        }
        var fds: [Int32] = [-1, -1]
        guard GNUSpawn.pipeCloseOnExec(&fds) == 0 else { throw SpawnError(description: "pipe: \(errnoText())") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        GNUSpawn.closeFrom(&actions, 3)
        if let workingDir, !workingDir.isEmpty, GNUSpawn.chdir(&actions, workingDir) != 0 {
            close(fds[0]); close(fds[1])
            throw SpawnError(description: "workingDir \(workingDir): not supported by this libc")
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attr, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attr, &allSignals)

        var pid: pid_t = 0
        let rc = withCStrings(argv) { cArgv in
            withCStrings(env) { cEnv in posix_spawn(&pid, executable, &actions, &attr, cArgv, cEnv) }
        }
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw SpawnError(description: "exec \(executable): \(String(cString: strerror(rc)))")
        }
        return Spawned(pid: pid, output: fds[0])
    }

    /// Finds the program the way execvp would, but with the container's PATH, not ours.
    static func resolve(_ program: String, path: String, workingDir: String?) -> String? {
        if program.contains("/") {
            let full = program.hasPrefix("/") || workingDir == nil ? program : "\(workingDir!)/\(program)"
            return access(full, X_OK) == 0 ? program : nil
        }
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(program)"
            var st = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
                return candidate
            }
        }
        return nil
    }

    /// Blocks a dedicated thread in waitpid, never a thread of the cooperative pool; once the process
    /// is reaped, kills what is left of its process group.
    static func waitForExit(_ pid: pid_t) async -> Exit {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                var r: pid_t
                repeat { r = waitpid(pid, &status, 0) } while r == -1 && errno == EINTR
                if r == -1 { continuation.resume(returning: .exited(-1)); return }
                // A container ends with its main process: whatever it left running in its group
                // goes too, as when a runtime tears down the container's cgroup.
                kill(-pid, SIGKILL)
                awaitGroupGone(pid, timeout: 2)
                let signal = status & 0x7F
                continuation.resume(returning: signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal))
            }
        }
    }

    /// Reads the output pipe into `log` on a dedicated thread until every writer has closed it.
    static func pump(_ fd: Int32, into log: ContainerLog) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 16_384)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n > 0 { log.append(buffer[0..<n]); continue }
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                close(fd)
                continuation.resume()
            }
        }
    }

    /// SIGKILL is delivered asynchronously: wait (briefly, on the calling thread) until no live
    /// process is left in the group, so that a stopped pod's processes are really gone when its
    /// stop returns. Zombies awaiting their reaper count as gone.
    static func awaitGroupGone(_ pgid: pid_t, timeout: Double) {
        let deadline = Date() + timeout
        while kill(-pgid, 0) == 0, Date() < deadline {
            if liveMembers(of: pgid).isEmpty { return }
            usleep(2_000)
        }
    }

    /// Processes of a group that are not zombies, from /proc.
    static func liveMembers(of pgid: pid_t) -> [pid_t] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var members: [pid_t] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == pgid { members.append(pid) }
        }
        return members
    }

    /// Signals the whole process group the container's process leads.
    @discardableResult
    static func signalGroup(_ pid: pid_t, _ signal: Int32) -> Bool {
        kill(-pid, signal) == 0 || kill(pid, signal) == 0
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// glibc's `_np` spawn file actions, which Swift's Glibc module does not import: looked up once
/// at run time so that no C shim is needed.
private enum GNUSpawn {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    nonisolated(unsafe) static let handle = dlopen(nil, RTLD_NOW)
    static let addChdir = dlsym(handle, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
    static let addCloseFrom = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    static let pipe2 = dlsym(handle, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }

    /// A pipe whose ends are close-on-exec from birth, so a concurrent spawn cannot inherit them.
    static func pipeCloseOnExec(_ fds: UnsafeMutablePointer<Int32>) -> Int32 {
        if let pipe2 { return pipe2(fds, O_CLOEXEC) }
        guard pipe(fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    static func chdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ dir: String) -> Int32 {
        guard let addChdir else { return -1 }
        return addChdir(actions, dir)
    }

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ fd: Int32) {
        _ = addCloseFrom?(actions, fd)
    }
}
