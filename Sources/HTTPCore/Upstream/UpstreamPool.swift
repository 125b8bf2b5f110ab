import CDozeSys

/// Keep-alive settings and timeouts for upstream connections.
public struct UpstreamPoolConfiguration: Sendable {
    public var maxIdlePerKey: Int
    public var idleTimeoutNanoseconds: Int64
    public var connectTimeoutNanoseconds: Int64

    public init(maxIdlePerKey: Int = 64, idleTimeoutNanoseconds: Int64 = 60_000_000_000,
                connectTimeoutNanoseconds: Int64 = 5_000_000_000) {
        self.maxIdlePerKey = maxIdlePerKey
        self.idleTimeoutNanoseconds = idleTimeoutNanoseconds
        self.connectTimeoutNanoseconds = connectTimeoutNanoseconds
    }
}

/// Per-loop keep-alive pool of upstream connections keyed by host:port. Loop-local: no locks.
/// Idle connections stay registered for reading, so an upstream that closes one is noticed and
/// it leaves the pool; the most recently used connection is handed out first (LIFO), letting
/// surplus ones age out through the idle timeout.
public final class UpstreamPool {
    public let loop: EventLoop
    public let configuration: UpstreamPoolConfiguration
    /// Idle connections per address: `slots` maps an address to its list in `lists`. Lookups
    /// only read the dictionary; the list is edited through the array's subscript. Editing a
    /// dictionary's value in place goes through three nested `_modify` coroutines, and each one
    /// allocated its frame: three mallocs per request (counted with a malloc probe).
    private var slots: [UpstreamAddress: Int] = [:]
    private var lists: [[UpstreamConnection]] = []

    public init(loop: EventLoop, configuration: UpstreamPoolConfiguration = UpstreamPoolConfiguration()) {
        self.loop = loop
        self.configuration = configuration
    }

    /// The pool of `loop` (created on first use with `configuration`). Loop thread only.
    public static func on(_ loop: EventLoop, configuration: UpstreamPoolConfiguration = UpstreamPoolConfiguration()) -> UpstreamPool {
        if let p = loop.locals["UpstreamPool"] as? UpstreamPool { return p }
        let p = UpstreamPool(loop: loop, configuration: configuration)
        loop.locals["UpstreamPool"] = p
        return p
    }

    public func idleCount(_ address: UpstreamAddress) -> Int { slots[address].map { lists[$0].count } ?? 0 }

    /// Calls back (on this loop) with a connection: an idle one when available, else a new one
    /// once connected, or an error (connect failure or timeout).
    public func acquire(_ address: UpstreamAddress, _ callback: @escaping (Result<UpstreamConnection, HTTPCoreError>) -> Void) {
        if let conn = takeIdle(address) {
            callback(.success(conn))
            return
        }
        connect(address, callback)
    }

    /// Pops the most recently used idle connection in place (no copy of the idle list, whose
    /// every element would otherwise be retained and released on each request).
    private func takeIdle(_ address: UpstreamAddress) -> UpstreamConnection? {
        guard let slot = slots[address], let conn = lists[slot].popLast() else { return nil }
        conn.idleDeadline.disarm()
        conn.inPool = false
        conn.isReused = true
        return conn
    }

    private lazy var resolver = HostResolver(loop: loop)

    /// Opens a fresh connection, bypassing the idle set. Host names are resolved off the loop.
    public func connect(_ address: UpstreamAddress, _ callback: @escaping (Result<UpstreamConnection, HTTPCoreError>) -> Void) {
        resolver.resolve(address.host) { [self] result in
            switch result {
            case .failure(let e): callback(.failure(e))
            case .success(let ip): connect(address, ip: ip, callback)
            }
        }
    }

    private func connect(_ address: UpstreamAddress, ip: String,
                         _ callback: @escaping (Result<UpstreamConnection, HTTPCoreError>) -> Void) {
        let fd = ip.withCString { doze_connect($0, Int32(address.port)) }
        guard fd >= 0 else {
            callback(.failure(.system("connect", fd)))
            return
        }
        let conn = UpstreamConnection(address: address, socket: Socket(fd: fd, loop: loop, connecting: true, maxInbound: 65536))
        conn.pool = self
        // Strong capture: the timer is cancelled when the connect ends or the connection closes.
        conn.connectTimer = loop.schedule(afterNanoseconds: configuration.connectTimeoutNanoseconds) {
            conn.fail(.connectTimeout)
        }
        conn.connectCallback = { error in
            if let error {
                conn.close()
                callback(.failure(error))
            } else {
                callback(.success(conn))
            }
        }
    }

    func release(_ conn: UpstreamConnection) {
        let slot = slot(for: conn.address)
        guard lists[slot].count < configuration.maxIdlePerKey else {
            conn.close()
            return
        }
        conn.inPool = true
        lists[slot].append(conn)
        conn.idleDeadline.arm(afterNanoseconds: configuration.idleTimeoutNanoseconds)
    }

    /// Drops an idle connection (closed by the peer, or timed out).
    func remove(_ conn: UpstreamConnection) {
        conn.idleDeadline.disarm()
        conn.inPool = false
        guard let slot = slots[conn.address] else { return }
        lists[slot].removeAll { $0 === conn }
    }

    /// The list for `address`, made on first use. Upstreams come and go: past 64 addresses the
    /// empty lists are dropped and the rest renumbered.
    private func slot(for address: UpstreamAddress) -> Int {
        if let slot = slots[address] { return slot }
        if slots.count >= 64 { compact() }
        slots[address] = lists.count
        lists.append([])
        return lists.count - 1
    }

    private func compact() {
        var kept: [UpstreamAddress: Int] = [:]
        var keptLists: [[UpstreamConnection]] = []
        for (address, slot) in slots where !lists[slot].isEmpty {
            kept[address] = keptLists.count
            keptLists.append(lists[slot])
        }
        slots = kept
        lists = keptLists
    }

    /// Closes every idle connection (shutdown).
    public func closeIdle() {
        let all = lists
        slots = [:]
        lists = []
        for list in all { for c in list { c.close() } }
    }
}
