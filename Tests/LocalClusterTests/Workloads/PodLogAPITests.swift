import Foundation
import Testing
import DozeJSON
import HTTPCore
@testable import LocalCluster

/// `GET pods/{name}/log` through the API server, served by the process runtime's logs.
@Suite struct PodLogAPITests {
    func body(_ resp: HTTPResponse) async -> String {
        switch resp.body {
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        case .stream(let s):
            var out = ""
            for await chunk in s { out += String(decoding: chunk, as: UTF8.self) }
            return out
        }
    }

    @Test func logsWithTailAndPreviousThroughTheAPI() async throws {
        let store = ObjectStore()
        var options = PodRuntimeOptions()
        options.backoffInitialSeconds = 0.1
        let workloads = LocalWorkloads(store: store, runtime: .process, options: options, ipPool: testIPPool())
        let api = APIClient(store: store)
        api.server.setLogSource(workloads)
        let running = Task { try await workloads.run() }
        defer { running.cancel() }

        // Prints three lines, then exits on its first run and sleeps on the second.
        let marker = NSTemporaryDirectory() + "doze-log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let script = "echo line 1; echo line 2; echo line 3; if [ -e \(marker) ]; then exec sleep 600; fi; touch \(marker); exit 2"
        let created = await api.post("/api/v1/namespaces/default/pods", [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "talker"],
            "spec": ["terminationGracePeriodSeconds": 1, "containers": [["name": "c", "image": "sh", "command": ["sh", "-c", .string(script)]]]],
        ])
        #expect(created.status == 201)
        #expect(await eventually(store, watching: [.pods]) {
            let p = try? store.get(.pods, namespace: "default", name: "talker")
            return p?[path: "status", "containerStatuses"][0]["restartCount"] == 1 && p?[path: "status", "containerStatuses"][0]["state"]["running"].object != nil
        })
        let current = try #require(workloads.pods.log(namespace: "default", name: "talker", container: "c", previous: false))
        for await line in current.follow() where line.text == "line 3" { break }

        let tail = await api.get("/api/v1/namespaces/default/pods/talker/log?tailLines=2")
        #expect(tail.status == 200)
        #expect(await body(tail.raw) == "line 2\nline 3\n")
        let previous = await api.get("/api/v1/namespaces/default/pods/talker/log?previous=true")
        #expect(await body(previous.raw) == "line 1\nline 2\nline 3\n")
        let stamped = await body(await api.get("/api/v1/namespaces/default/pods/talker/log?timestamps=true&tailLines=1").raw)
        #expect(stamped.hasSuffix("Z line 3\n") && stamped.hasPrefix("20"))
        let limited = await body(await api.get("/api/v1/namespaces/default/pods/talker/log?limitBytes=4").raw)
        #expect(limited == "line")
    }
}
