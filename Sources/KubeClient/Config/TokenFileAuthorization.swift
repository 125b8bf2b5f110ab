import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A bearer token read from a file and re-read when the file changes: projected service account
/// tokens are rotated by the kubelet (an atomic symlink swap), and kubeconfigs may name a
/// `tokenFile` that another process refreshes. The file's identity (inode, mtime, size) is
/// checked at most once per second; `invalidate()` (after a 401) forces a re-read.
public actor TokenFileAuthorization: AuthorizationProvider {
    struct Stamp: Equatable {
        var inode: UInt64
        var size: Int64
        var mtimeSeconds: Int
        var mtimeNanoseconds: Int
    }

    public let path: String
    private let now: @Sendable () -> ContinuousClock.Instant
    private let checkInterval: Duration
    private var token: String?
    private var stamp: Stamp?
    private var lastCheck: ContinuousClock.Instant?
    private var forceReload = false
    /// How many times the file was read, for tests and diagnostics.
    public private(set) var reads = 0

    public init(path: String, checkInterval: Duration = .seconds(1),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now })
    {
        self.path = path
        self.checkInterval = checkInterval
        self.now = now
    }

    public func authorization() async throws -> String? {
        "Bearer \(try currentToken())"
    }

    public func invalidate() async {
        forceReload = true
    }

    private func currentToken() throws -> String {
        let t = now()
        let due = lastCheck.map { t - $0 >= checkInterval } ?? true
        if let token, !due, !forceReload { return token }
        lastCheck = t
        let current = Self.stamp(of: path)
        if let token, !forceReload, current != nil, current == stamp { return token }
        do {
            let fresh = try read()
            token = fresh
            stamp = current
            forceReload = false
            return fresh
        } catch {
            // A rotation caught half-way, or a transient error: keep what we had, if anything.
            if let token { return token }
            throw error
        }
    }

    private func read() throws -> String {
        reads += 1
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeConfigError(.unreadable(path: path, reason: "token file: \(KubeconfigFile.reason(error))"))
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw KubeConfigError(.invalid(what: path, message: "the token file is empty")) }
        return text
    }

    static func stamp(of path: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Stamp(inode: UInt64(st.st_ino), size: Int64(st.st_size),
                     mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec))
    }
}
