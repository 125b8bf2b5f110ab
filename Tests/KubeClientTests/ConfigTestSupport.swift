import Foundation

/// Temp directories, files and child processes (kubectl, openssl, python) for the config tests.
enum ConfigTestSupport {
    struct CommandFailed: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited \(status): \(output)" }
    }

    static func tempDirectory(_ tag: String = "kc") throws -> String {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("doze-\(tag)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CommandFailed(command: "mkdtemp", status: errno, output: "") }
        return String(cString: made)
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func write(_ text: String, to path: String, mode: Int? = nil) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    /// The directory of the real kubectl, where `kubectl.1.XX` live.
    static func kubectlDirectory() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().deletingLastPathComponent().path
            }
        }
        throw CommandFailed(command: "which kubectl", status: 1, output: "kubectl not on PATH")
    }

    /// Runs a program to completion off the cooperative pool; returns stdout, throws on failure.
    @discardableResult
    static func run(_ executable: String, _ args: [String], in directory: String? = nil,
                    environment: [String: String]? = nil) async throws -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? args : [executable] + args
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let name = ([executable] + args).joined(separator: " ")
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, Error>) in
            DispatchQueue.global().async {
                do { try process.run() } catch { c.resume(throwing: error); return }
                let errData = ErrCollector(err.fileHandleForReading)
                let data = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                let stdout = String(decoding: data, as: UTF8.self)
                if process.terminationStatus == 0 {
                    c.resume(returning: stdout)
                } else {
                    c.resume(throwing: CommandFailed(command: name, status: process.terminationStatus,
                                                     output: stdout + errData.text()))
                }
            }
        }
    }

    /// Drains a pipe on its own thread so a chatty stderr cannot block the child.
    final class ErrCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            DispatchQueue.global().async {
                let d = handle.readDataToEndOfFile()
                self.lock.lock(); self.data = d; self.lock.unlock()
                self.done.signal()
            }
        }
        func text() -> String {
            done.wait()
            lock.lock(); defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
