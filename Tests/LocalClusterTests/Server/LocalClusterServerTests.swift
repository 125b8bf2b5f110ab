import DozeJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import LocalCluster

@Suite struct LocalClusterServerTests {
    @Test func servesTheAPIOverHTTPOnAFreePort() async throws {
        let server = try LocalClusterServer(port: 0, podRuntime: nil)
        #expect(server.port > 0)
        let running = Task { try await server.run() }
        defer { running.cancel() }
        let (data, response) = try await URLSession.shared.data(from: URL(string: "\(server.url)/api/v1/namespaces/default")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try JSON(parsing: [UInt8](data))["status"]["phase"] == "Active")
        #expect(server.kubeconfig().contains("server: http://127.0.0.1:\(server.port)"))
    }

    @Test func nodeIsRegisteredWithWorkloads() throws {
        let store = ObjectStore()
        LocalClusterServer.registerNode(in: store)
        let node = try store.get(.nodes, name: "doze-local")
        #expect((node["status"]["conditions"].array ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" })
    }
}
