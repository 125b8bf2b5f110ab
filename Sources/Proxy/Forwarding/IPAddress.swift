#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as 128 bits; IPv4 is held as IPv4-mapped IPv6 (`::ffff:a.b.c.d`) so
/// an IPv4 range also matches a peer that a dual-stack socket reports in mapped form.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// Parses a literal (`10.0.0.1`, `::1`, `[::1]`, `fe80::1%eth0` without the zone); nil if invalid.
    public init?(_ text: some StringProtocol) {
        var s = Substring(text)
        if s.hasPrefix("[") && s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        if let zone = s.firstIndex(of: "%") { s = s[..<zone] }
        var bytes = [UInt8](repeating: 0, count: 16)
        let ok: Bool = String(s).withCString { cs in
            bytes.withUnsafeMutableBytes { out in
                if s.contains(":") { return inet_pton(AF_INET6, cs, out.baseAddress) == 1 }
                var v4 = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
                guard withUnsafeMutableBytes(of: &v4, { inet_pton(AF_INET, cs, $0.baseAddress) }) == 1 else { return false }
                out[10] = 0xFF; out[11] = 0xFF
                out[12] = v4.0; out[13] = v4.1; out[14] = v4.2; out[15] = v4.3
                return true
            }
        }
        guard ok else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The address part of a peer string as HTTPCore reports it: `ip:port`, `[v6]:port`, or a bare IP.
    public init?(peer: String) {
        if peer.hasPrefix("["), let close = peer.firstIndex(of: "]") {
            self.init(peer[peer.index(after: peer.startIndex)..<close])
        } else if peer.utf8.filter({ $0 == UInt8(ascii: ":") }).count == 1, let colon = peer.firstIndex(of: ":") {
            self.init(peer[..<colon])
        } else {
            self.init(peer)
        }
    }

    public var description: String {
        if isIPv4 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        }
        var raw = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            raw[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            raw[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        var out = [CChar](repeating: 0, count: 64)
        _ = raw.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &out, 64) }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address range such as `10.0.0.0/8` or `fd00::/8`; a bare address is a single-host range.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length over the 128-bit form (an IPv4 `/8` is stored as 104).
    public let bits: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let maxBits = address.isIPv4 ? 32 : 128
        var bits = maxBits
        if parts.count == 2 {
            guard let b = Int(parts[1]), (0...maxBits).contains(b) else { return nil }
            bits = b
        }
        self.bits = address.isIPv4 ? bits + 96 : bits
        let (mh, ml) = CIDR.mask(self.bits)
        network = IPAddress(high: address.high & mh, low: address.low & ml)
    }

    public func contains(_ address: IPAddress) -> Bool {
        let (mh, ml) = CIDR.mask(bits)
        return address.high & mh == network.high && address.low & ml == network.low
    }

    private static func mask(_ bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << UInt64(64 - bits))
        let low: UInt64 = bits <= 64 ? 0 : (bits == 128 ? ~0 : ~0 << UInt64(128 - bits))
        return (high, low)
    }

    public var description: String {
        network.isIPv4 && bits >= 96 ? "\(network)/\(bits - 96)" : "\(network)/\(bits)"
    }

    /// Parses `--trusted-proxies`: comma-separated CIDRs or addresses; throws naming the bad one.
    public static func parseList(_ text: String) throws(CIDRListError) -> [CIDR] {
        try text.split(separator: ",").map { item throws(CIDRListError) in
            let t = String(item).trimmingSpaces()
            guard let c = CIDR(t) else { throw CIDRListError(item: String(t)) }
            return c
        }
    }
}

public struct CIDRListError: Error, Sendable, Equatable, CustomStringConvertible {
    public let item: String
    public var description: String { "invalid CIDR \"\(item)\" (expected e.g. 10.0.0.0/8 or fd00::/8)" }
}

/// The trusted-proxy set, asked once per client connection.
public struct TrustedProxies: Sendable {
    public let ranges: [CIDR]
    public init(_ ranges: [CIDR] = []) { self.ranges = ranges }

    public func contains(_ address: IPAddress?) -> Bool {
        guard let address else { return false }
        return ranges.contains { $0.contains(address) }
    }
}
