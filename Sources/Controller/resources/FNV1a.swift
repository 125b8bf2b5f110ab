/// FNV-1a, 64-bit: a small, stable, well-distributed hash for names and change detection. Not
/// for security; Swift's `Hasher` is seeded per process and cannot be used for anything stored.
public enum FNV1a {
    public static func hash64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// 16 lowercase hex digits.
    public static func hex(_ text: String) -> String { hexDigits(hash64(text.utf8), count: 16) }

    /// The first 8 hex digits: enough to tell apart the few names within one App.
    public static func shortHex(_ text: String) -> String { String(hex(text).prefix(8)) }

    static func hexDigits(_ v: UInt64, count: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, count - s.count)) + s
    }
}
