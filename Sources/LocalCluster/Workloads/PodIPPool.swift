import Synchronization

/// Hands out loopback addresses as pod IPs. Linux routes all of 127.0.0.0/8 to `lo`, so a process
/// can bind 127.1.0.7 with no setup, and two pods can listen on the same port at different IPs.
///
/// Addresses are handed out in order and a released one is reused only after every other address
/// in the range has been used once, so an endpoint list that still names a dead pod's IP does not
/// silently reach its successor.
public final class PodIPPool: Sendable {
    private struct State {
        var next: UInt32
        var released: [UInt32] = []
        var inUse: Set<UInt32> = []
    }
    private let first: UInt32
    private let last: UInt32
    private let state: Mutex<State>

    /// The range 127.1.0.1 ... 127.1.255.254 by default.
    public init(first: String = "127.1.0.1", last: String = "127.1.255.254") {
        self.first = Self.parse(first) ?? 0x7F01_0001
        self.last = Self.parse(last) ?? 0x7F01_FFFE
        self.state = Mutex(State(next: self.first))
    }

    /// A free address, or nil when every address is in use.
    public func allocate() -> String? {
        state.withLock { s -> String? in
            while s.next <= last {
                let candidate = s.next
                s.next += 1
                let lastOctet = candidate & 0xFF
                if lastOctet == 0 || lastOctet == 255 || s.inUse.contains(candidate) { continue }
                s.inUse.insert(candidate)
                return Self.format(candidate)
            }
            guard !s.released.isEmpty else { return nil }
            let reused = s.released.removeFirst()
            s.inUse.insert(reused)
            return Self.format(reused)
        }
    }

    public func release(_ ip: String) {
        guard let v = Self.parse(ip) else { return }
        state.withLock { s in
            if s.inUse.remove(v) != nil { s.released.append(v) }
        }
    }

    public var inUseCount: Int { state.withLock { $0.inUse.count } }

    static func parse(_ ip: String) -> UInt32? {
        let parts = ip.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return nil }
        return parts.reduce(0) { $0 << 8 | $1 }
    }

    static func format(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
    }
}
