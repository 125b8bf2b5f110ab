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

    static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
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
