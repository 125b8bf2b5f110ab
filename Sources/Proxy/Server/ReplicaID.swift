#if canImport(Glibc)
import Glibc
#endif

/// This proxy replica's name (contract §3): env POD_NAME, else hostname-pid.
public enum ReplicaID {
    public static func `default`() -> String {
        if let p = getenv("POD_NAME"), let name = String(validatingCString: p), !name.isEmpty { return name }
        var buf = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buf, buf.count) == 0 ? String(cString: buf) : "proxy"
        return "\(host)-\(getpid())"
    }
}

/// The scaler of a proxy without cluster access: wakes are left to others.
struct NoScaler: AppScaler {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "no cluster access (run the proxy with --kubeconfig or in-cluster)" }
    }
    func scaleUp(namespace: String, name: String, replicas: Int) async throws { throw Unavailable() }
}
