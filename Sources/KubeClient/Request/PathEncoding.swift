/// Percent-encoding for URL paths and queries, done by hand so the exact bytes on the wire are
/// ours (Foundation leaves `+`, `=` and `&` alone inside query values, which breaks selectors).
enum PathEncoding {
    /// RFC 3986 unreserved characters: the only ones never escaped.
    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    static func escape(_ s: String, keeping extra: Set<UInt8> = []) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            if isUnreserved(b) || extra.contains(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One path segment (a name or namespace): `/` must never split it.
    static func segment(_ s: String) -> String {
        escape(s, keeping: [UInt8(ascii: ":"), UInt8(ascii: "@")])
    }

    /// One query name or value.
    static func query(_ s: String) -> String { escape(s) }
}
