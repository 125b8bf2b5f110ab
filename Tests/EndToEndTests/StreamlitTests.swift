import DozeJSON
import Foundation
import TestSupport
import Testing

extension EndToEnd {
    /// A real streamlit app under a path prefix that it knows about (`stripPath: false`,
    /// `--server.baseUrlPath st`): woken by the page request, its page, its static files and
    /// its `/st/_stcore/stream` websocket work through the proxy.
    @Suite struct StreamlitTests {
        @Test func streamlitAtAPathPrefixServesItsPageAndItsStreamThroughTheProxy() async throws {
            let dir = try TempDir.make("e2e-streamlit")
            defer { try? FileManager.default.removeItem(at: dir) }
            let script = try TestApps.write(TestApps.streamlitApp, as: "app.py", in: dir)
            let command = [TestApps.python, "-m", "streamlit", "run", script,
                           "--server.port", "$(PORT)", "--server.address", "$(POD_IP)", "--server.baseUrlPath", "st",
                           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
            let yaml = TestApps.manifest(name: "st", command: command, idleTimeout: "5m",
                                         route: "    path: /st\n    stripPath: false", extra: "  health: /_stcore/health")
            let dev = try await DevSession.start(apps: [yaml])
            #expect(dev.urls["st"] == "http://localhost:\(dev.proxyPort)/st/")
            #expect(try await dev.deployment("st")[path: "spec", "replicas"].int == 0)
            // The kubelet probes the health path under the prefix (the proxy does not strip it).
            let containers = try await dev.deployment("st")[path: "spec", "template", "spec", "containers"].array ?? []
            #expect(containers.first?[path: "readinessProbe", "httpGet", "path"].string == "/st/_stcore/health")

            let page = await dev.get("localhost", "/st/", timeoutSeconds: 120)
            #expect(page.status == 200, "\(page.head)\(page.body)")
            #expect(page.body.contains("<title>Streamlit</title>"))
            #expect(await dev.metric("doze_proxy_wakes_total") == 1)
            // A static file the page loads, by its relative path under /st/.
            let js = try #require(page.body.firstMatch(of: #/src="\./(static/js/[^"]+\.js)"/#)?.output.1)
            #expect(await dev.get("localhost", "/st/\(js)").status == 200)

            let client = try PeerProcess(TestApps.python, ["-u", "-c", TestApps.streamlitStreamClient, "\(dev.proxyPort)"])
            defer { client.stop() }
            #expect(await client.line(containing: "stream open streamlit", within: 60) != nil, "\(client.allOutput)\(client.errorOutput)")
            #expect(await client.line(containing: "title received", within: 60) != nil, "\(client.allOutput)\(client.errorOutput)")
            #expect(await client.waitForExit(within: 30) == 0)
            #expect(await dev.stop() == 0)
        }
    }
}
