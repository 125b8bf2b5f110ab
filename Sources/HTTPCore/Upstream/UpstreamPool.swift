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
    /// Idle connections per address, each list a box: reading a box out of the dictionary and
    /// mutating it avoids the dictionary's in-place modify accessor, whose coroutine frame was a
    /// heap allocation on every take and every release.
    private var idle: [UpstreamAddress: IdleList] = [:]
    /// The list used last: most loops talk to few upstreams, so this skips hashing the address.
    private var recent: IdleList?

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

    public func idleCount(_ address: UpstreamAddress) -> Int { idle[address]?.connections.count ?? 0 }

    private func list(_ address: UpstreamAddress) -> IdleList? {
        if let r = recent, r.address == address { return r }
        let l = idle[address]
        if l != nil { recent = l }
        return l
    }

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
        guard let conn = list(address)?.connections.popLast() else { return nil }
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
        let l: IdleList
        if let existing = list(conn.address) {
            l = existing
        } else {
            if idle.count >= 64 { idle = idle.filter { !$0.value.connections.isEmpty } }  // upstreams come and go
            l = IdleList(conn.address)
            idle[conn.address] = l
            recent = l
        }
        guard l.connections.count < configuration.maxIdlePerKey else {
            conn.close()
            return
        }
        conn.inPool = true
        l.connections.append(conn)
        conn.idleDeadline.arm(afterNanoseconds: configuration.idleTimeoutNanoseconds)
    }

    /// Drops an idle connection (closed by the peer, or timed out).
    func remove(_ conn: UpstreamConnection) {
        conn.idleDeadline.disarm()
        conn.inPool = false
        list(conn.address)?.connections.removeAll { $0 === conn }
    }

    /// Closes every idle connection (shutdown).
    public func closeIdle() {
        let lists = idle.values
        idle = [:]
        recent = nil
        for l in lists { for c in l.connections { c.close() } }
    }
}

/// The idle connections to one address, most recently used last.
private final class IdleList {
    let address: UpstreamAddress
    var connections: [UpstreamConnection] = []
    init(_ address: UpstreamAddress) { self.address = address }
}
