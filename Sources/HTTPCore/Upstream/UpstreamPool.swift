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
    private var idle: [UpstreamAddress: [UpstreamConnection]] = [:]

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

    public func idleCount(_ address: UpstreamAddress) -> Int { idle[address]?.count ?? 0 }

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
        guard let conn = idle[address]?.popLast() else { return nil }
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
        // In place: `idle[key, default:]` mutates the stored array without copying it.
        guard (idle[conn.address]?.count ?? 0) < configuration.maxIdlePerKey else {
            conn.close()
            return
        }
        conn.inPool = true
        idle[conn.address, default: []].append(conn)
        if idle.count > 64 { idle = idle.filter { !$0.value.isEmpty } }  // upstreams come and go
        conn.idleDeadline.arm(afterNanoseconds: configuration.idleTimeoutNanoseconds)
    }

    /// Drops an idle connection (closed by the peer, or timed out).
    func remove(_ conn: UpstreamConnection) {
        conn.idleDeadline.disarm()
        conn.inPool = false
        idle[conn.address]?.removeAll { $0 === conn }
        if idle[conn.address]?.isEmpty == true { idle[conn.address] = nil }
    }

    /// Closes every idle connection (shutdown).
    public func closeIdle() {
        for list in idle.values { for c in list { c.close() } }
        idle = [:]
    }
}
