import Glibc

/// Why `connectLoopback` failed: the `errno` connect(2) left.
public struct LoopbackConnectError: Error {
    public let errno: Int32
}

/// A TCP connection to 127.0.0.1:`port` whose reads time out after `receiveTimeoutSeconds`
/// (SO_RCVTIMEO), so a silent peer fails a test instead of hanging it. The caller closes the
/// returned descriptor.
public func connectLoopback(port: Int, receiveTimeoutSeconds: Int) throws(LoopbackConnectError) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var tv = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let rc = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if rc != 0 { close(fd); throw LoopbackConnectError(errno: errno) }
    return fd
}

/// Sends all of `bytes` on `fd` (MSG_NOSIGNAL: a closed peer is a failed send, not SIGPIPE);
/// stops at the first send that fails.
public func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { return }
        off += n
    }
}
