import Dispatch
import Foundation

/// A long-running part of a process (swift-service-lifecycle style): it runs until done or
/// until its task is cancelled, then returns after shutting down gracefully.
protocol Service: Sendable {
    var name: String { get }
    func run() async throws
}

/// A service made of a closure, for wiring.
struct ClosureService: Service {
    let name: String
    let body: @Sendable () async throws -> Void
    func run() async throws { try await body() }
}

/// Runs services in one task group. SIGTERM or SIGINT cancels them all; so does the first one
/// that ends or fails. Returns the process exit code.
enum ServiceRunner {
    static func run(_ services: [any Service]) async -> Int32 {
        let signals = SignalWatcher([SIGTERM, SIGINT])
        let failed = await withTaskGroup(of: (String, (any Error)?).self) { group -> Bool in
            for s in services {
                group.addTask {
                    do { try await s.run(); return (s.name, nil) } catch { return (s.name, error) }
                }
            }
            group.addTask {
                let sig = await signals.next()
                return ("signal \(sig)", nil)
            }
            var anyFailed = false
            if let (name, error) = await group.next() {
                if let error, !(error is CancellationError) {
                    log("\(name) failed: \(error)")
                    anyFailed = true
                } else {
                    log("stopping (\(name) ended)")
                }
            }
            group.cancelAll()
            for await (name, error) in group {
                if let error, !(error is CancellationError) {
                    log("\(name) failed while stopping: \(error)")
                    anyFailed = true
                }
            }
            return anyFailed
        }
        signals.stop()
        return failed ? 1 : 0
    }

    static func log(_ s: String) {
        FileHandle.standardError.write(Data("doze: \(s)\n".utf8))
    }
}

/// Turns POSIX signals into an awaitable event (Dispatch sources, so no handler runs in signal
/// context).
final class SignalWatcher: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init(_ signals: [Int32]) {
        (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let c = continuation
        sources = signals.map { sig in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { c.yield(sig) }
            s.resume()
            return s
        }
    }

    func next() async -> Int32 {
        for await s in stream { return s }
        return 0
    }

    func stop() {
        for s in sources { s.cancel() }
        continuation.finish()
    }
}
