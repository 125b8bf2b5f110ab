/// Splits a byte stream into newline-terminated lines (a watch sends one JSON event per line).
/// Bytes after the last newline wait for the next chunk; `\r\n` is accepted; empty lines dropped.
struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    /// Lines completed by `chunk`, in order.
    mutating func append<C: Collection>(_ chunk: C) -> [[UInt8]] where C.Element == UInt8 {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == 0x0A {
                if pending.last == 0x0D { pending.removeLast() }
                if !pending.isEmpty { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The unterminated tail, at the end of the stream.
    mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        if pending.last == 0x0D { pending.removeLast() }
        return pending.isEmpty ? nil : pending
    }
}
