/// The OpenAPI string formats kube-apiserver checks on custom resources that matter in practice.
/// Unknown formats pass, as upstream ignores formats it does not know.
enum StringFormats {
    static func isValid(_ s: String, format: String) -> Bool {
        switch format {
        case "date-time", "datetime": return s.wholeMatch(of: dateTime) != nil
        case "date": return s.wholeMatch(of: date) != nil
        case "duration": return s.wholeMatch(of: duration) != nil
        case "byte": return isBase64(s)
        case "uuid": return s.wholeMatch(of: uuid) != nil
        case "ipv4": return isIPv4(s)
        case "hostname": return s.wholeMatch(of: hostname) != nil && s.count <= 253
        default: return true
        }
    }

    nonisolated(unsafe) private static let dateTime =
        /\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})/
    nonisolated(unsafe) private static let date = /\d{4}-\d{2}-\d{2}/
    // Go durations (`1h30m`, `250ms`) and the day/week units strfmt adds.
    nonisolated(unsafe) private static let duration =
        /[-+]?(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w|hours?|days?|weeks?|minutes?|seconds?)\s*)+/
    nonisolated(unsafe) private static let uuid =
        /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
    nonisolated(unsafe) private static let hostname =
        /[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*/

    private static func isBase64(_ s: String) -> Bool {
        let body = s.utf8
        guard body.count % 4 == 0 else { return false }
        let padding = s.reversed().prefix { $0 == "=" }.count
        guard padding <= 2 else { return false }
        return s.dropLast(padding).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }
    }

    private static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) && (Int(p) ?? 256) <= 255 && !(p.count > 1 && p.hasPrefix("0"))
        }
    }
}
