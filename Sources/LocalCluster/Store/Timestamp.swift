import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kubernetes time formats: `metav1.Time` is RFC 3339 UTC with seconds; `MicroTime` has six
/// fractional digits.
public enum Timestamp {
    public static func rfc3339(_ date: Date) -> String {
        let (tm, _) = parts(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec)
    }

    public static func micro(_ date: Date) -> String {
        let (tm, micros) = parts(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, micros)
    }

    /// Parses `2024-06-11T10:00:00Z` or with a fraction; nil when malformed.
    public static func parse(_ text: String) -> Date? {
        let digits = text.split(whereSeparator: { !$0.isNumber }).map { Int($0) ?? 0 }
        guard digits.count >= 6, text.hasSuffix("Z") else { return nil }
        var tm = tm()
        tm.tm_year = Int32(digits[0] - 1900)
        tm.tm_mon = Int32(digits[1] - 1)
        tm.tm_mday = Int32(digits[2])
        tm.tm_hour = Int32(digits[3])
        tm.tm_min = Int32(digits[4])
        tm.tm_sec = Int32(digits[5])
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }

    private static func parts(_ date: Date) -> (tm, Int32) {
        let t = date.timeIntervalSince1970
        var secs = time_t(t.rounded(.down))
        var tm = tm()
        gmtime_r(&secs, &tm)
        let micros = Int32(((t - t.rounded(.down)) * 1_000_000).rounded(.down))
        return (tm, micros)
    }

    /// kubectl's short age: `45s`, `5m`, `3h`, `4d`, `2y` (with a second unit while small, like `3d4h`).
    public static func age(from start: Date, to now: Date) -> String {
        let s = max(0, Int(now.timeIntervalSince(start)))
        switch s {
        case ..<120: return "\(s)s"
        case ..<600: return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s"
        case ..<(3 * 3600): return "\(s / 60)m"
        case ..<(8 * 3600): let h = s / 3600, m = (s % 3600) / 60; return m == 0 ? "\(h)h" : "\(h)h\(m)m"
        case ..<(48 * 3600): return "\(s / 3600)h"
        case ..<(8 * 86400): let d = s / 86400, h = (s % 86400) / 3600; return h == 0 ? "\(d)d" : "\(d)d\(h)h"
        case ..<(2 * 365 * 86400): return "\(s / 86400)d"
        default: return "\(s / (365 * 86400))y"
        }
    }
}
