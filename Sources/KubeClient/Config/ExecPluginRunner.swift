import Foundation

/// Runs an exec credential plugin once and returns its stdout. Thin I/O shell: the process gets
/// our environment plus the kubeconfig's `env` and KUBERNETES_EXEC_INFO, no stdin (never
/// interactive), and our stderr (as kubectl does, so its messages reach the user).
struct ExecPluginRunner: Sendable {
    let config: ExecConfig
    let execInfo: String
    let environment: [String: String]

    func run() async throws -> Data {
        var env = environment
        env.merge(config.env) { _, new in new }
        env["KUBERNETES_EXEC_INFO"] = execInfo
        guard let executable = Self.locate(config.command, path: env["PATH"] ?? "/usr/bin:/bin") else {
            throw ExecPluginError(.notFound(command: config.command, hint: config.installHint))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = config.args
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        process.standardOutput = stdout
        let command = config.command
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, Error>) in
            // Blocking reads belong on a thread of their own, not on the cooperative pool.
            DispatchQueue.global().async {
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: ExecPluginError(.notFound(command: command, hint: nil)))
                    return
                }
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                if process.terminationStatus != 0 {
                    continuation.resume(throwing: ExecPluginError(.failed(command: command, status: process.terminationStatus)))
                } else {
                    continuation.resume(returning: output)
                }
            }
        }
    }

    /// A command with a slash is a path; otherwise the first executable match on PATH.
    static func locate(_ command: String, path: String) -> String? {
        let fm = FileManager.default
        if command.contains("/") { return fm.isExecutableFile(atPath: command) ? command : nil }
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(command)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
