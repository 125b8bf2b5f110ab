import Foundation
import Synchronization

/// A child process for integration tests (an upstream, the proxy, a client script): its output
/// lines are collected as they arrive so a test can await a line ("listening on …") with a bound.
public final class PeerProcess: @unchecked Sendable {
    public let process = Process()
    private let output = Mutex<(lines: [String], partial: String, waiters: [(String, CheckedContinuation<String?, Never>)])>(([], "", []))
    /// Standard output reached EOF (the process exited and its output is all in).
    private let outputDone = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let stderrText = Mutex<String>("")
    private let exit = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32?, Never>])>((nil, []))

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            if d.isEmpty { h.readabilityHandler = nil }
            self?.received(d)
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.stderrText.withLock { $0 += String(decoding: d, as: UTF8.self) }
            if d.isEmpty { h.readabilityHandler = nil }
        }
        process.terminationHandler = { [weak self] p in
            let status = p.terminationStatus
            let waiters: [CheckedContinuation<Int32?, Never>] = self?.exit.withLock { e in
                e.status = status
                defer { e.waiters = [] }
                return e.waiters
            } ?? []
            for w in waiters { w.resume(returning: status) }
        }
        try process.run()
    }

    /// Runs a Python script given as text.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> PeerProcess {
        try PeerProcess("python3", ["-u", "-c", script] + arguments)
    }

    private func received(_ data: Data) {
        let resumed = output.withLock { o -> [(CheckedContinuation<String?, Never>, String?)] in
            if data.isEmpty {
                defer { self.markOutputDone() }
                let w = o.waiters
                o.waiters = []
                return w.map { ($0.1, nil) }
            }
            o.partial += String(decoding: data, as: UTF8.self)
            while let nl = o.partial.firstIndex(of: "\n") {
                o.lines.append(String(o.partial[..<nl]))
                o.partial = String(o.partial[o.partial.index(after: nl)...])
            }
            var done: [(CheckedContinuation<String?, Never>, String?)] = []
            o.waiters.removeAll { prefix, c in
                guard let line = o.lines.first(where: { $0.contains(prefix) }) else { return false }
                done.append((c, line))
                return true
            }
            return done
        }
        for (c, line) in resumed { c.resume(returning: line) }
    }

    private func markOutputDone() {
        let w = outputDone.withLock { d in
            d.done = true
            defer { d.waiters = [] }
            return d.waiters
        }
        for c in w { c.resume() }
    }

    /// The first output line containing `text`, awaited up to `seconds`; nil on timeout or exit.
    public func line(containing text: String, within seconds: Double = 20) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                await withCheckedContinuation { c in
                    let now = self.output.withLock { o -> String? in
                        if let l = o.lines.first(where: { $0.contains(text) }) { return l }
                        o.waiters.append((text, c))
                        return nil
                    }
                    if let now { c.resume(returning: now) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next()!
            // Release the waiter if the timeout won.
            let stale = self.output.withLock { o in
                let w = o.waiters.filter { $0.0 == text }
                o.waiters.removeAll { $0.0 == text }
                return w
            }
            for (_, c) in stale { c.resume(returning: nil) }
            group.cancelAll()
            return first
        }
    }

    /// The port at the end of the first line containing `text` (`… on 127.0.0.1:PORT` or `… port PORT`).
    public func port(after text: String) async -> Int? {
        guard let line = await line(containing: text) else { return nil }
        let digits = line.reversed().drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int(String(digits.reversed()))
    }

    public var allOutput: String { output.withLock { $0.lines.map { $0 + "\n" }.joined() + $0.partial } }
    public var errorOutput: String { stderrText.withLock { $0 } }

    public func signal(_ sig: Int32) { if process.isRunning { kill(process.processIdentifier, sig) } }

    /// Waits for the process to exit (up to `seconds`); returns its status, or nil if it is still running.
    public func waitForExit(within seconds: Double = 20) async -> Int32? {
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                await withCheckedContinuation { c in
                    let done = self.exit.withLock { e -> Int32? in
                        if let s = e.status { return s }
                        e.waiters.append(c)
                        return nil
                    }
                    if let done { c.resume(returning: done) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next()!
            let stale = self.exit.withLock { e in
                defer { e.waiters = [] }
                return e.waiters
            }
            for c in stale { c.resume(returning: nil) }
            group.cancelAll()
            return first
        }
        if status != nil { await outputDrained(within: 5) }
        return status
    }

    /// Waits (bounded) for standard output to reach EOF, so `allOutput` is complete. Bounded
    /// because a process spawned concurrently elsewhere may inherit the pipe and hold it open.
    private func outputDrained(within seconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let done = self.outputDone.withLock { d -> Bool in
                        if d.done { return true }
                        d.waiters.append(c)
                        return false
                    }
                    if done { c.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
            await group.next()
            markOutputDone()  // releases the waiter if the timeout won
            group.cancelAll()
        }
    }

    public func stop() {
        signal(SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
