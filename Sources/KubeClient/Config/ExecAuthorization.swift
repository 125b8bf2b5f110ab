import Foundation

/// Credentials from an exec plugin (client.authentication.k8s.io v1 or v1beta1). The plugin's
/// answer is cached until its `expirationTimestamp` (or, without one, until `invalidate()` after
/// a 401); concurrent callers share one run. A client certificate in the answer is handed to
/// `TLSHook` for this server, so requests made after `authorization()` present it.
public actor ExecAuthorization: AuthorizationProvider {
    private let runner: ExecPluginRunner
    private let needsTerminal: Bool
    private let apiVersion: String
    private let server: URL
    private let baseTLS: TLSOptions
    private let now: @Sendable () -> Date
    private var cached: ExecCredential?
    private var running: Task<ExecCredential, Error>?
    /// How many times the plugin ran, for tests and diagnostics.
    public private(set) var runs = 0

    /// `cluster` is the configuration the plugin serves: its server gets the plugin's client
    /// certificate, and it is passed to the plugin when `provideClusterInfo` is set.
    public init(_ config: ExecConfig, cluster: KubeConfig,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                now: @escaping @Sendable () -> Date = { Date() })
    {
        let info = ExecCredential.execInfo(apiVersion: config.apiVersion,
                                           cluster: config.provideClusterInfo ? cluster : nil)
        self.runner = ExecPluginRunner(config: config, execInfo: info, environment: environment)
        self.apiVersion = config.apiVersion
        self.needsTerminal = config.interactiveMode == "Always"
        self.server = cluster.server
        self.baseTLS = cluster.tls
        self.now = now
    }

    public func authorization() async throws -> String? {
        let credential = try await current()
        return credential.token.map { "Bearer \($0)" }
    }

    public func invalidate() async {
        cached = nil
    }

    private func current() async throws -> ExecCredential {
        if let cached, cached.isValid(at: now()) { return cached }
        if let running { return try await running.value }
        let task = Task { try await self.fetch() }
        running = task
        defer { running = nil }
        let credential = try await task.value
        cached = credential
        return credential
    }

    private func fetch() async throws -> ExecCredential {
        // As client-go without a terminal on stdin: a plugin that must prompt cannot run.
        if needsTerminal { throw ExecPluginError(.needsTerminal(command: runner.config.command)) }
        runs += 1
        let output = try await runner.run()
        let credential = try ExecCredential.decode(output, expectedVersion: apiVersion)
        if let cert = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
            var tls = baseTLS
            tls.clientCertificatePEM = cert
            tls.clientKeyPEM = key
            try TLSHook.install(for: server, options: tls)
        }
        return credential
    }
}
