import Foundation
import Testing
@testable import KubeClient

/// A settable "now" for providers that take a clock.
final class ConfigTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant = ContinuousClock.now
    private var date: Date
    init(date: Date = Date()) { self.date = date }
    func now() -> ContinuousClock.Instant { lock.lock(); defer { lock.unlock() }; return instant }
    func today() -> Date { lock.lock(); defer { lock.unlock() }; return date }
    func advance(_ seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        instant = instant.advanced(by: .milliseconds(Int64(seconds * 1000)))
        date = date.addingTimeInterval(seconds)
    }
}

@Suite struct ConfigTokenFileTests {
    @Test func rereadsTheTokenWhenTheFileChanges() async throws {
        let dir = try ConfigTestSupport.tempDirectory("token")
        defer { ConfigTestSupport.remove(dir) }
        let path = dir + "/token"
        try ConfigTestSupport.write("one\n", to: path)
        let clock = ConfigTestClock()
        let auth = TokenFileAuthorization(path: path, now: { clock.now() })

        #expect(try await auth.authorization() == "Bearer one")
        try ConfigTestSupport.write("two-two\n", to: path)
        #expect(try await auth.authorization() == "Bearer one", "checked at most once per second")
        #expect(await auth.reads == 1)

        clock.advance(1.1)
        #expect(try await auth.authorization() == "Bearer two-two")
        clock.advance(1.1)
        #expect(try await auth.authorization() == "Bearer two-two")
        #expect(await auth.reads == 2, "an unchanged file is not read again")

        // A same-size rewrite within the second, then a 401: invalidate() forces the read.
        try ConfigTestSupport.write("six-six\n", to: path)
        await auth.invalidate()
        #expect(try await auth.authorization() == "Bearer six-six")

        // Kubelet-style rotation: a new file renamed over the old one (new inode).
        try ConfigTestSupport.write("rotated\n", to: dir + "/token.new")
        #expect(rename(dir + "/token.new", path) == 0)
        clock.advance(1.1)
        #expect(try await auth.authorization() == "Bearer rotated")

        // A file that vanishes mid-rotation: keep the last good token.
        try FileManager.default.removeItem(atPath: path)
        clock.advance(1.1)
        await auth.invalidate()
        #expect(try await auth.authorization() == "Bearer rotated")
    }

    @Test func aMissingOrEmptyFileIsAnError() async throws {
        let dir = try ConfigTestSupport.tempDirectory("token")
        defer { ConfigTestSupport.remove(dir) }
        let missing = TokenFileAuthorization(path: dir + "/absent")
        await #expect(throws: KubeConfigError.self) { try await missing.authorization() }
        try ConfigTestSupport.write("\n", to: dir + "/empty")
        await #expect(throws: KubeConfigError.self) { try await TokenFileAuthorization(path: dir + "/empty").authorization() }
    }

    @Test func kubeconfigTokenFileUsesTheProvider() async throws {
        let dir = try ConfigTestSupport.tempDirectory("token")
        defer { ConfigTestSupport.remove(dir) }
        try ConfigTestSupport.write("from-file", to: dir + "/tok")
        let yaml = "current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\nclusters:\n- name: k\n  cluster:\n    server: https://h\nusers:\n- name: u\n  user:\n    tokenFile: tok\n"
        let config = try KubeConfig.fromKubeconfig(text: yaml, path: dir + "/config")
        let auth = config.makeAuthorizationProvider()
        #expect(auth is TokenFileAuthorization)
        #expect(try await auth.authorization() == "Bearer from-file")
    }
}
