import Foundation

/// A throwaway PKI made with openssl (a CA, a server certificate for 127.0.0.1 and localhost,
/// an RSA and an EC client certificate) and a Python `ssl` HTTPS server that requires a client
/// certificate and answers `/version` with the caller's certificate CN and Authorization header.
struct ConfigTLSFixture: Sendable {
    let dir: String
    var caPEM: [UInt8] { bytes("ca.pem") }
    var rsaCert: [UInt8] { bytes("client-rsa.pem") }
    var rsaKey: [UInt8] { bytes("client-rsa.key") }
    var ecCert: [UInt8] { bytes("client-ec.pem") }
    var ecKey: [UInt8] { bytes("client-ec.key") }

    func bytes(_ name: String) -> [UInt8] {
        [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) ?? Data())
    }

    /// Made once per test process; the files live until it exits (in the system temp directory).
    static let shared = Task { try await make() }

    static func make() async throws -> ConfigTLSFixture {
        let dir = try ConfigTestSupport.tempDirectory("pki")
        func openssl(_ args: String) async throws {
            try await ConfigTestSupport.run("/usr/bin/openssl", args.split(separator: " ").map(String.init), in: dir)
        }
        try ConfigTestSupport.write("subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:api.doze.test\nextendedKeyUsage=serverAuth\n", to: dir + "/server.ext")
        try ConfigTestSupport.write("extendedKeyUsage=clientAuth\n", to: dir + "/client.ext")
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
        try await openssl("req -x509 \(ec) -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=doze-test-ca")
        func issue(_ name: String, key: String, subject: String, ext: String) async throws {
            try await openssl("req \(key) -nodes -keyout \(name).key -out \(name).csr -subj \(subject)")
            try await openssl("x509 -req -in \(name).csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out \(name).pem -extfile \(ext)")
        }
        try await issue("server", key: ec, subject: "/CN=localhost", ext: "server.ext")
        try await issue("client-rsa", key: "-newkey rsa:2048", subject: "/CN=alice-rsa/O=system:masters", ext: "client.ext")
        try await issue("client-ec", key: ec, subject: "/CN=bob-ec", ext: "client.ext")
        // The EC key in SEC1 form ("EC PRIVATE KEY"), as kubeadm and kind write it; RSA stays PKCS#8.
        try await openssl("ec -in client-ec.key -out client-ec.key")
        return ConfigTLSFixture(dir: dir)
    }

    /// Starts a server on 127.0.0.1, port 0; returns it once it printed its port.
    func startServer() async throws -> TestHTTPSServer {
        try await TestHTTPSServer.start(script: Self.serverScriptPath, pki: dir)
    }

    /// The server script, shared with hack/test.d/20-kubeclient-tls.sh (kept out of the test
    /// target's directory so that SwiftPM needs no resource or exclude rule for it).
    static let serverScriptPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../hack/test.d/20-kubeclient-tls-server.py").standardized.path
}

/// The Python HTTPS server process; `stop()` ends it (tests call it in a defer).
final class TestHTTPSServer: @unchecked Sendable {
    let process: Process
    let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    var url: URL { URL(string: "https://127.0.0.1:\(port)")! }

    static func start(script: String, pki: String) async throws -> TestHTTPSServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, pki]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let line = try await firstLine(out.fileHandleForReading, within: 20)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw ConfigTestSupport.CommandFailed(command: "python3 server.py", status: -1, output: line)
        }
        return TestHTTPSServer(process: process, port: port)
    }

    /// Reads up to the first newline, with an upper bound on the wait.
    private static func firstLine(_ handle: FileHandle, within seconds: Int) async throws -> String {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, Error>) in
            let done = DispatchSemaphore(value: 0)
            let box = LineBox()
            DispatchQueue.global().async {
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                box.set(String(decoding: data, as: UTF8.self))
                done.signal()
            }
            DispatchQueue.global().async {
                if done.wait(timeout: .now() + .seconds(seconds)) == .timedOut {
                    c.resume(throwing: ConfigTestSupport.CommandFailed(command: "server start", status: -1, output: "no port"))
                } else {
                    c.resume(returning: box.get())
                }
            }
        }
    }

    /// SIGKILL: a child spawned from a Dispatch thread inherits its blocked signals, SIGTERM included.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    final class LineBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value = ""
        func set(_ v: String) { lock.lock(); value = v; lock.unlock() }
        func get() -> String { lock.lock(); defer { lock.unlock() }; return value }
    }
}
