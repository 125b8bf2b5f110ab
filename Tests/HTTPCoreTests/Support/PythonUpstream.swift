import Glibc
@testable import HTTPCore

/// Runs `upstreamScript` (UpstreamScript.swift); it exits when we close its stdin (in deinit), so no process is left.
final class PythonUpstream: @unchecked Sendable {
    let pid: pid_t
    let port: Int
    private let stdinFD: Int32

    init() throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        pipe(&inPipe)
        pipe(&outPipe)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addclose(&actions, inPipe[1])
        posix_spawn_file_actions_addclose(&actions, outPipe[0])
        let args: [String] = ["/usr/bin/env", "python3", "-c", upstreamScript]
        let argv = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else { throw TestClientError(message: "spawn python3 failed: \(rc)") }
        self.pid = pid
        self.stdinFD = inPipe[1]
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(outPipe[0], &byte, 1) == 1 && byte != 10 { line.append(byte) }
        close(outPipe[0])
        guard let p = Int(String(decoding: line, as: UTF8.self)) else {
            close(stdinFD)
            throw TestClientError(message: "upstream.py did not print a port")
        }
        port = p
    }

    var address: UpstreamAddress { UpstreamAddress(host: "127.0.0.1", port: port) }

    deinit {
        close(stdinFD)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
