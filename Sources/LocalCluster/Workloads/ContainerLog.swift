import Foundation
import Synchronization

/// The output of one run of one container (stdout and stderr interleaved, as `kubectl logs` shows
/// them), kept in memory up to a byte budget: the oldest lines go first, like a rotated log file.
public final class ContainerLog: Sendable {
    public struct Line: Sendable, Equatable {
        public let time: Date
        public let text: String
    }

    private struct State {
        var lines: [Line] = []
        var head = 0              // index of the oldest kept line in `lines`
        var bytes = 0
        var partial: [UInt8] = []
        var closed = false
        var followers: [UUID: AsyncStream<Line>.Continuation] = [:]
    }

    public let limit: Int
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    public init(limit: Int = 1 << 20, now: @escaping @Sendable () -> Date = Date.init) {
        self.limit = limit
        self.now = now
    }

    /// Appends raw output; complete lines become visible at once, a trailing partial line waits
    /// for its newline (or for `close`).
    public func append(_ chunk: some Sequence<UInt8>) {
        let time = now()
        state.withLock { s in
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    Self.push(Line(time: time, text: String(decoding: s.partial, as: UTF8.self)), into: &s, limit: limit)
                    s.partial.removeAll(keepingCapacity: true)
                } else {
                    s.partial.append(byte)
                }
            }
        }
    }

    /// The container stopped: flush a partial line and end every follower's stream.
    public func close() {
        let followers = state.withLock { s in
            if !s.partial.isEmpty {
                Self.push(Line(time: now(), text: String(decoding: s.partial, as: UTF8.self)), into: &s, limit: limit)
                s.partial.removeAll()
            }
            s.closed = true
            defer { s.followers.removeAll() }
            return Array(s.followers.values)
        }
        // Outside the lock: finishing runs each stream's onTermination, which takes the lock.
        for f in followers { f.finish() }
    }

    private static func push(_ line: Line, into s: inout State, limit: Int) {
        s.lines.append(line)
        s.bytes += line.text.utf8.count + 1
        for f in s.followers.values { f.yield(line) }
        while s.bytes > limit, s.head < s.lines.count - 1 {
            s.bytes -= s.lines[s.head].text.utf8.count + 1
            s.head += 1
        }
        if s.head > 1024, s.head * 2 > s.lines.count {
            s.lines.removeFirst(s.head)
            s.head = 0
        }
    }

    /// The kept lines, optionally only the last `tailLines` and those at or after `since`.
    public func lines(tailLines: Int? = nil, since: Date? = nil) -> [Line] {
        state.withLock { s in
            var kept = Array(s.lines[s.head...])
            if let since { kept = kept.filter { $0.time >= since } }
            if let tailLines { kept = Array(kept.suffix(max(0, tailLines))) }
            return kept
        }
    }

    /// The kept output as text, each line ending in a newline (what `GET pods/log` returns).
    public func text(tailLines: Int? = nil, since: Date? = nil, timestamps: Bool = false) -> String {
        Self.render(lines(tailLines: tailLines, since: since), timestamps: timestamps)
    }

    public static func render(_ lines: [Line], timestamps: Bool) -> String {
        var out = ""
        for line in lines {
            if timestamps { out += WorkloadTime.nano(line.time) + " " }
            out += line.text + "\n"
        }
        return out
    }

    /// The selected kept lines, then every new line until the container stops (`follow=true`).
    public func follow(tailLines: Int? = nil, since: Date? = nil) -> AsyncStream<Line> {
        let (stream, continuation) = AsyncStream<Line>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = UUID()
        state.withLock { s in
            var kept = Array(s.lines[s.head...])
            if let since { kept = kept.filter { $0.time >= since } }
            if let tailLines { kept = Array(kept.suffix(max(0, tailLines))) }
            for line in kept { continuation.yield(line) }
            if s.closed { continuation.finish() } else { s.followers[id] = continuation }
        }
        continuation.onTermination = { [weak self] _ in
            let me = self; outsideTermination { _ = me?.state.withLock { $0.followers.removeValue(forKey: id) } }
        }
        return stream
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
}
