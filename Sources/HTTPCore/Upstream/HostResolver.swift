import CDozeSys

/// Resolves upstream host names without blocking the loop: lookups run on a short-lived thread
/// and come back through `loop.execute`; answers are cached per loop for `ttlNanoseconds`.
/// IP literals (the usual case: pod and loopback addresses) skip all of this.
final class HostResolver {
    private unowned let loop: EventLoop
    private var cache: [String: (ip: String, expires: Int64)] = [:]
    private var waiting: [String: [(Result<String, HTTPCoreError>) -> Void]] = [:]
    let ttlNanoseconds: Int64

    init(loop: EventLoop, ttlNanoseconds: Int64 = 30_000_000_000) {
        self.loop = loop
        self.ttlNanoseconds = ttlNanoseconds
    }

    static func isLiteral(_ host: String) -> Bool { host.withCString { doze_is_ip_literal($0) } == 1 }

    /// Calls back on the loop with a numeric address for `host`.
    func resolve(_ host: String, _ callback: @escaping (Result<String, HTTPCoreError>) -> Void) {
        if Self.isLiteral(host) { callback(.success(host)); return }
        if let hit = cache[host], hit.expires > loop.now { callback(.success(hit.ip)); return }
        if waiting[host] != nil { waiting[host]!.append(callback); return }
        waiting[host] = [callback]
        let me = LoopBound(self)
        let loop = self.loop
        spawnThread {
            var buf = [CChar](repeating: 0, count: 64)
            let rc = host.withCString { doze_resolve($0, &buf, buf.count) }
            let result: Result<String, HTTPCoreError> = rc == 0
                ? .success(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                : .failure(.system("resolve \(host)", rc))
            loop.execute { me.value.finish(host, result) }
        }
    }

    private func finish(_ host: String, _ result: Result<String, HTTPCoreError>) {
        if case .success(let ip) = result { cache[host] = (ip, loop.now + ttlNanoseconds) }
        let callbacks = waiting.removeValue(forKey: host) ?? []
        for cb in callbacks { cb(result) }
    }
}
