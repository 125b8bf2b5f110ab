import DozeJSON
import Foundation
import KubeClient
import TestSupport
import Testing

extension EndToEnd {
    /// What `doze dev` sets up and prints, checked from outside with kubectl and the API.
    @Suite struct DevCommandTests {
        @Test func setsUpTheCRDTheProxyAdminServiceAndEveryAppOfAMultiDocumentFile() async throws {
            let hello = TestApps.manifest(name: "a", command: ["python3", "-m", "http.server", "$(PORT)", "--bind", "$(POD_IP)"],
                                          idleTimeout: "5m")
            let tools = TestApps.manifest(name: "tools", command: ["python3", "-m", "http.server", "$(PORT)", "--bind", "$(POD_IP)"],
                                          idleTimeout: "5m", route: "    path: /tools")
            let dev = try await DevSession.start(apps: ["# two Apps in one file\n---\n" + hello + "\n---\n" + tools])
            #expect(dev.urls == ["a": "http://a.localhost:\(dev.proxyPort)/", "tools": "http://localhost:\(dev.proxyPort)/tools/"])
            #expect(dev.process.allOutput.contains("export KUBECONFIG=\(dev.kubeconfig)\n"))

            // The README's kubectl line, against the kubeconfig doze dev wrote.
            let apps = try await dev.kubectl(["get", "apps", "-o", "name"])
            #expect(apps.split(separator: "\n").sorted() == ["app.doze.dev/a", "app.doze.dev/tools"])
            #expect(try await dev.kubectl(["get", "crd", "apps.doze.dev", "-o", "name"]) == "customresourcedefinition.apiextensions.k8s.io/apps.doze.dev\n")

            // Contract §4: a selector-less admin Service and a slice naming the proxy's admin port.
            let service = try await dev.client.dynamicApi(.service, namespace: "doze-system").get("doze-proxy-admin").json
            #expect(service[path: "spec", "selector"] == .null)
            #expect(service[path: "spec", "ports"] == [["name": "admin", "port": JSON(dev.adminPort), "targetPort": JSON(dev.adminPort), "protocol": "TCP"]])
            let slices = try await dev.client.dynamicApi(.endpointSlice, namespace: "doze-system")
                .list(ListOptions(labelSelector: "kubernetes.io/service-name=doze-proxy-admin")).items.map(\.json)
            #expect(slices.count == 1)
            #expect(slices.first?["ports"] == [["name": "admin", "port": JSON(dev.adminPort), "protocol": "TCP"]])
            #expect(slices.first?[path: "endpoints"].array?.first?["addresses"] == ["127.0.0.1"])

            // Both routed: the path app through its prefix.
            #expect(await dev.get("anything.example", "/tools/").status == 200)
            #expect(await dev.get("a.localhost").status == 200)
            #expect(await dev.stop() == 0)
        }

        /// An idle `doze dev` (controller, proxy and cluster with their watches) sleeps on its
        /// sockets. URLSession on Linux kept a write source on some watch connections, which fired
        /// without end: one core at 100% (Sources/CCurlHook/sockets.c). A busy loop takes most of
        /// a core even on a loaded machine; an idle process takes a few percent at most.
        @Test func anIdleDozeDevDoesNotSpin() async throws {
            let dev = try await DevSession.start(apps: [TestApps.manifest(name: "idle", command: ["python3", "-m", "http.server", "$(PORT)", "--bind", "$(POD_IP)"],
                                                                          idleTimeout: "5m")])
            #expect(await dev.get("idle.localhost").status == 200)   // every watch and connection is up
            let pid = dev.process.process.processIdentifier
            let window = 3.0
            let before = try Self.cpuSeconds(of: pid)
            try await Task.sleep(for: .seconds(window))    // the measurement window, not a wait for a condition
            let used = try Self.cpuSeconds(of: pid) - before
            #expect(used < 0.25 * window, "doze dev used \(used) CPU-seconds in \(window) s while idle")
            #expect(await dev.stop() == 0)
        }

        /// utime + stime of a process, from /proc/PID/stat (fields 14 and 15, after the command name).
        static func cpuSeconds(of pid: Int32) throws -> Double {
            let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            guard let close = stat.lastIndex(of: ")") else { return 0 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
            return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        /// A file that cannot be read ends doze dev before it starts anything; an App the API
        /// rejects ends it (cluster, controller and proxy stopped) with the API's reason.
        @Test func badAppFilesEndDozeDevWithTheReason() async throws {
            let dir = try TempDir.make("e2e-bad")
            defer { try? FileManager.default.removeItem(at: dir) }
            let kc = dir.appendingPathComponent("kc").path
            let missing = dir.appendingPathComponent("missing.yaml").path
            let p = try PeerProcess(try DozeBinary.path(), ["dev", "--port", "0", "--kubeconfig", kc, missing])
            #expect(await p.waitForExit(within: 30) == 1)
            #expect(await Self.stderr(of: p, contains: "cannot read \(missing)"), "\(p.errorOutput)")
            #expect(!FileManager.default.fileExists(atPath: kc), "nothing started")

            let invalid = try TestApps.write("apiVersion: doze.dev/v1alpha1\nkind: App\nmetadata:\n  name: bad\nspec:\n  image: x\n  port: eighty\n",
                                             as: "bad.yaml", in: dir)
            let q = try PeerProcess(try DozeBinary.path(), ["dev", "--port", "0", "--kubeconfig", kc, invalid])
            #expect(await q.waitForExit(within: 30) == 1)
            #expect(await Self.stderr(of: q, contains: "spec.port"), "\(q.errorOutput)")
        }

        /// Standard error is read on its own handler and may trail the exit by a moment.
        static func stderr(of p: PeerProcess, contains text: String) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(5)
            while !p.errorOutput.contains(text), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            return p.errorOutput.contains(text)
        }

        @Test(arguments: ["--port", "--api-port"])
        func aPortInUseIsReportedWithItsFlag(flag: String) async throws {
            let taken = try ListeningSocket()
            let dir = try TempDir.make("e2e-port")
            defer { try? FileManager.default.removeItem(at: dir) }
            var args = ["dev", "--port", "0", "--api-port", "0", "--kubeconfig", dir.appendingPathComponent("kc").path]
            args[args.firstIndex(of: flag)! + 1] = "\(taken.port)"
            let p = try PeerProcess(try DozeBinary.path(), args)
            #expect(await p.waitForExit(within: 30) == 1)
            #expect(await Self.stderr(of: p, contains: "port \(taken.port) is in use (\(flag))"), "\(p.errorOutput)")
        }
    }
}

/// A socket listening on a free loopback port, closed at deinit.
final class ListeningSocket {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { close(fd); throw E2EError("cannot listen: errno \(errno)") }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}
