import DozeJSON
import Foundation
import KubeClient
import TestSupport
import Testing

/// One `doze dev --port 0 --api-port 0 --kubeconfig TMP/kubeconfig APP.yaml…` subprocess: the
/// real binary, so SIGTERM and pod processes behave as for a user. Reads its ports from its
/// output and talks to its cluster through KubeClient (and kubectl where a test means kubectl).
final class DevSession: @unchecked Sendable {
    let process: PeerProcess
    let dir: URL
    let kubeconfig: String
    let proxyPort: Int
    let adminPort: Int
    let apiPort: Int
    let client: KubeClient
    /// `NAME  URL` lines printed for the applied Apps, by name.
    let urls: [String: String]

    /// Starts `doze dev` with the given App manifests (YAML text, one file each), returning once
    /// it printed that every App is routed.
    static func start(apps: [String], file: String = #fileID) async throws -> DevSession {
        let dir = try TempDir.make("doze-e2e")
        var files: [String] = []
        for (i, yaml) in apps.enumerated() {
            let path = dir.appendingPathComponent("app\(i).yaml").path
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        let process = try PeerProcess(try DozeBinary.path(), ["dev", "--port", "0", "--api-port", "0", "--kubeconfig", kubeconfig] + files)
        guard await process.line(containing: "kubectl get apps -w", within: 90) != nil,
              let proxy = await process.port(after: "proxy listening on"),
              let admin = await process.port(after: "admin listening on"),
              let api = await process.port(after: "api listening on") else {
            process.stop()
            throw E2EError("doze dev did not get ready:\n\(process.allOutput)\n\(process.errorOutput)")
        }
        var urls: [String: String] = [:]
        for line in process.allOutput.split(separator: "\n") where line.contains("  http://") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            urls[String(parts[0])] = String(parts[1])
        }
        let client = try KubeClient(config: KubeConfig.load(kubeconfig: kubeconfig, context: nil),
                                    options: ClientOptions(requestTimeout: 20))
        return DevSession(process: process, dir: dir, kubeconfig: kubeconfig, proxyPort: proxy, adminPort: admin,
                          apiPort: api, client: client, urls: urls)
    }

    private init(process: PeerProcess, dir: URL, kubeconfig: String, proxyPort: Int, adminPort: Int, apiPort: Int,
                 client: KubeClient, urls: [String: String]) {
        (self.process, self.dir, self.kubeconfig, self.proxyPort, self.adminPort, self.apiPort, self.client, self.urls) =
            (process, dir, kubeconfig, proxyPort, adminPort, apiPort, client, urls)
    }

    /// A test that threw before `stop()` must not leave doze dev and its pods running: SIGTERM
    /// (doze dev then stops its pod processes), SIGKILL only if it has not exited within 10 s.
    deinit {
        guard process.process.isRunning else { return }
        process.signal(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        try? FileManager.default.removeItem(at: dir)
    }

    /// SIGTERM, as Ctrl-C would; returns the exit status (nil: it did not stop within 30 s, then killed).
    @discardableResult
    func stop() async -> Int32? {
        process.signal(SIGTERM)
        let status = await process.waitForExit(within: 30)
        if status == nil { process.stop() }
        try? FileManager.default.removeItem(at: dir)
        return status
    }

    // MARK: requests

    func get(_ host: String, _ path: String = "/", timeoutSeconds: Int = 60) async -> (status: Int, head: String, body: String) {
        await httpRequest(port: proxyPort, "GET", path, host: host, timeoutSeconds: timeoutSeconds)
    }

    func adminGet(_ path: String) async -> String {
        await httpRequest(port: adminPort, "GET", path, host: "127.0.0.1").body
    }

    /// A counter or gauge from the proxy's /metrics (the sample without labels).
    func metric(_ name: String) async -> Double? {
        Metrics.value(name, in: await adminGet("/metrics"))
    }

    // MARK: cluster

    func deployment(_ name: String, namespace: String = "default") async throws -> JSON {
        try await client.dynamicApi(.deployment, namespace: namespace).get(name).json
    }

    func app(_ name: String, namespace: String = "default") async throws -> JSON {
        try await client.dynamicApi(.app, namespace: namespace).get(name).json
    }

    func pods(of app: String, namespace: String = "default") async throws -> [JSON] {
        try await client.dynamicApi(.pod, namespace: namespace).list(ListOptions(labelSelector: "app.kubernetes.io/name=\(app)")).items.map(\.json)
    }

    /// Events with `reason` about the object `name` (e.g. ScalingReplicaSet on the Deployment).
    func events(reason: String, about name: String, namespace: String = "default") async throws -> [JSON] {
        try await client.dynamicApi(.coreEvent, namespace: namespace).list().items.map(\.json).filter {
            $0["reason"].string == reason && $0[path: "involvedObject", "name"].string == name
        }
    }

    /// Real kubectl against this cluster; returns its output, throws on a non-zero exit.
    func kubectl(_ args: [String]) async throws -> String {
        let p = try PeerProcess("kubectl", ["--kubeconfig", kubeconfig] + args)
        guard let status = await p.waitForExit(within: 30), status == 0 else {
            throw E2EError("kubectl \(args.joined(separator: " ")) failed: \(p.allOutput)\(p.errorOutput)")
        }
        return p.allOutput
    }

    /// Polls `check` every 20 ms until it is true or `seconds` pass (the event awaited is in
    /// another process: there is no callback to wait on).
    func eventually(within seconds: Double, _ check: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await check()
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

enum TempDir {
    static func make(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

enum Metrics {
    /// The value of the unlabelled sample `name` in Prometheus text.
    static func value(_ name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
