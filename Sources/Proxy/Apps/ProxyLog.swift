#if canImport(Glibc)
import Glibc
#endif

/// One line to stderr, prefixed like the rest of the process's log. The proxy logs only rare
/// events (an App skipped, a wake failing), never per request.
public enum ProxyLog {
    public static func line(_ message: String) {
        let bytes = Array("doze proxy: \(message)\n".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
