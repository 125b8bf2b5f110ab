import DozeJSON

/// Durations in the Go form the CRD uses (`180s`, `3m`, `1h30m`, `500ms`, `1.5h`), kept in
/// milliseconds. Only units a timeout needs are accepted: ms, s, m, h.
public struct AppDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> AppDuration { .init(milliseconds: s * 1000) }

    public static func < (a: AppDuration, b: AppDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// Whole seconds, rounded up: what a probe budget needs.
    public var secondsRoundedUp: Int64 { (milliseconds + 999) / 1000 }

    /// Canonical text: the largest units first, e.g. 5400000 ms → `1h30m`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// Parses `([0-9]+(\.[0-9]+)?(ms|s|m|h))+`; nil for anything else, including a fraction finer
    /// than a millisecond and a total above a year (a typo, not a timeout).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var i = 0
        var totalMicros: Int64 = 0
        guard !bytes.isEmpty else { return nil }
        while i < bytes.count {
            guard let (micros, next) = Self.term(bytes, from: i) else { return nil }
            totalMicros += micros
            guard totalMicros <= 366 * 86_400 * 1_000_000 else { return nil }
            i = next
        }
        guard totalMicros % 1000 == 0 else { return nil }
        milliseconds = totalMicros / 1000
    }

    /// One `number unit` term, in microseconds so that `1.5ms` is caught as too fine.
    private static func term(_ b: [UInt8], from start: Int) -> (Int64, Int)? {
        var i = start
        var whole: Int64 = 0
        var digits = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39, digits < 9 {
            whole = whole * 10 + Int64(b[i] - 0x30); i += 1; digits += 1
        }
        guard digits > 0 else { return nil }
        var frac: Int64 = 0, fracScale: Int64 = 1
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var fd = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if fd < 9 { frac = frac * 10 + Int64(b[i] - 0x30); fracScale *= 10 }
                i += 1; fd += 1
            }
            guard fd > 0 else { return nil }
        }
        let unitMicros: Int64
        if i + 1 < b.count, b[i] == UInt8(ascii: "m"), b[i + 1] == UInt8(ascii: "s") {
            unitMicros = 1000; i += 2
        } else if i < b.count, let u = [UInt8(ascii: "s"): Int64(1_000_000), UInt8(ascii: "m"): 60_000_000,
                                         UInt8(ascii: "h"): 3_600_000_000][b[i]] {
            unitMicros = u; i += 1
        } else {
            return nil
        }
        let fracMicros = frac * unitMicros
        guard fracMicros % fracScale == 0 else { return nil }
        return (whole * unitMicros + fracMicros / fracScale, i)
    }
}
