import Foundation

/// Kubernetes timestamps: `metav1.Time` is RFC 3339 in UTC with second precision
/// (`2024-05-01T12:00:00Z`); log timestamps carry nanoseconds.
enum WorkloadTime {
    static func seconds(_ date: Date) -> String {
        format(date, fraction: false)
    }

    static func nano(_ date: Date) -> String {
        format(date, fraction: true)
    }

    /// Parses `2024-05-01T12:00:00Z` and `2024-05-01T12:00:00.123456Z` (UTC only, which is all
    /// the API server writes). Hand-rolled: controllers parse timestamps in sort comparators.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b.last == UInt8(ascii: "Z"), b[4] == 45, b[7] == 45, b[10] == UInt8(ascii: "T"),
              b[13] == 58, b[16] == 58 else { return nil }
        func number(_ r: Range<Int>) -> Int32? {
            var n: Int32 = 0
            for i in r {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int32(b[i] - 48)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        var seconds = Double(timegm(&parts))
        if b[19] == UInt8(ascii: "."), b.count > 21 {
            guard let fraction = number(20..<(b.count - 1)) else { return nil }
            seconds += Double(fraction) / pow(10, Double(b.count - 21))
        } else if b.count != 20 {
            return nil
        }
        return Date(timeIntervalSince1970: seconds)
    }

    private static func format(_ date: Date, fraction: Bool) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                          Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        guard fraction else { return base + "Z" }
        let nanos = Int((date.timeIntervalSince1970 - Double(t)) * 1e9)
        return base + String(format: ".%09d", nanos) + "Z"
    }
}
