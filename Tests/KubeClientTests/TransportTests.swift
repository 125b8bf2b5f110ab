import DozeJSON
import Foundation
import Synchronization
import Testing
@testable import KubeClient

/// The URLSession transport and the client's policies against a scripted loopback server.
@Suite struct TransportTests {
    @Test func getSendsHeadersAndDecodes() async throws {
        let server = try ScriptedServer { req, conn in
            conn.respond(200, json: configMapJSON("cm", rv: "5", extra: ["future": true]))
        }
        defer { server.stop() }
        let client = makeClient(server, authorization: StaticAuthorization("Bearer abc"))
        let cm = try await client.api(ConfigMap.self).get("cm")
        #expect(cm.data == ["k": "v"])
        #expect(cm.json[path: "extra", "future"] == true)
        let req = try #require(server.requests.first)
        #expect(req.method == "GET" && req.target == "/api/v1/namespaces/default/configmaps/cm")
        #expect(req.headers["user-agent"] == "doze/\(KubeClient.version)")
        #expect(req.headers["authorization"] == "Bearer abc")
        #expect(req.headers["accept"] == "application/json")
    }

    @Test func tooManyRequestsHonoursRetryAfterForEveryVerb() async throws {
        let server = try ScriptedServer { req, conn in
            if req.index % 2 == 0 {
                conn.respondStatus(429, reason: "TooManyRequests", headers: ["Retry-After": "2"])
            } else {
                conn.respond(201, json: configMapJSON("cm", rv: "1"))
            }
        }
        defer { server.stop() }
        let clock = RecordingClock()
        let client = makeClient(server, clock: clock)
        _ = try await client.api(ConfigMap.self).get("cm")
        // A 429 means the server did nothing, so even a create is sent again.
        _ = try await client.api(ConfigMap.self).create(ConfigMap(name: "cm", namespace: "default"))
        #expect(server.requests.map(\.method) == ["GET", "GET", "POST", "POST"])
        #expect(clock.recorded == [2, 2])
    }

    @Test func serverErrorsAreRetriedForIdempotentRequestsOnly() async throws {
        let server = try ScriptedServer { req, conn in
            // GETs: two 500s then success. Everything else: 503.
            if req.method == "GET" && req.index >= 2 {
                conn.respond(200, json: configMapJSON("cm", rv: "1"))
            } else if req.method == "GET" {
                conn.respondStatus(500, reason: "InternalError")
            } else {
                conn.respondStatus(503, reason: "ServiceUnavailable")
            }
        }
        defer { server.stop() }
        let clock = RecordingClock()
        let client = makeClient(server, clock: clock)
        let api = client.api(ConfigMap.self)
        _ = try await api.get("cm")
        #expect(server.requests.count == 3)
        #expect(clock.recorded.count == 2)
        #expect(clock.recorded[1] > clock.recorded[0])  // exponential

        await #expect(throws: KubeError.self) { _ = try await api.create(ConfigMap(name: "x", namespace: "default")) }
        await #expect(throws: KubeError.self) { _ = try await api.patch("x", .json([["op": "remove", "path": "/a"]])) }
        await #expect(throws: KubeError.self) { _ = try await api.patch("x", .strategic([:])) }
        #expect(server.requests.count == 6)  // one each: POST and non-idempotent PATCHes are not retried

        let before = server.requests.count
        let error = await #expect(throws: KubeError.self) { _ = try await api.patch("x", .merge(["a": 1])) }
        #expect(error?.statusCode == 503 && error?.isServerError == true)
        #expect(server.requests.count - before == 1 + RequestRetryPolicy().maxRetries)  // merge patches are idempotent
    }

    @Test func droppedConnectionIsRetriedForGetOnly() async throws {
        let server = try ScriptedServer { req, conn in
            if req.index == 0 || req.method == "POST" { conn.drop(); return }
            conn.respond(200, json: configMapJSON("cm", rv: "1"))
        }
        defer { server.stop() }
        let clock = RecordingClock()
        let client = makeClient(server, clock: clock)
        let cm = try await client.api(ConfigMap.self).get("cm")
        #expect(cm.name == "cm")
        #expect(server.requests.count == 2 && clock.recorded.count == 1)

        let fresh = makeClient(server, clock: clock)
        let error = await #expect(throws: KubeError.self) {
            _ = try await fresh.api(ConfigMap.self).create(ConfigMap(name: "x", namespace: "default"))
        }
        #expect(error?.isTransport == true)
        #expect(server.requests.filter { $0.method == "POST" }.count == 1)
    }

    /// A refused connection means the request never left, so even a create is tried again.
    @Test func refusedConnectionIsRetriedForEveryVerb() async throws {
        let server = try ScriptedServer { _, conn in conn.respond(200, json: [:]) }
        let url = server.url
        server.stop()  // the port is now closed: connections are refused
        let clock = RecordingClock()
        let client = KubeClient(transport: URLSessionTransport(server: url),
                                options: ClientOptions(retry: RequestRetryPolicy(maxRetries: 2), clock: clock.clock))
        let error = await #expect(throws: KubeError.self) {
            _ = try await client.api(ConfigMap.self).create(ConfigMap(name: "x", namespace: "default"))
        }
        #expect(error?.isTransport == true && error?.isNotSent == true)
        #expect(clock.recorded.count == 2)
    }

    @Test func unauthorizedInvalidatesCredentialsAndRetriesOnce() async throws {
        let server = try ScriptedServer { req, conn in
            if req.headers["authorization"] == "Bearer token-2" {
                conn.respond(200, json: configMapJSON("cm", rv: "1"))
            } else {
                conn.respondStatus(401, reason: "Unauthorized")
            }
        }
        defer { server.stop() }
        let auth = RotatingAuthorization()
        let client = makeClient(server, authorization: auth)
        _ = try await client.api(ConfigMap.self).create(ConfigMap(name: "cm", namespace: "default"))
        #expect(server.requests.map { $0.headers["authorization"] ?? "" } == ["Bearer token-1", "Bearer token-2"])
        #expect(auth.invalidations == 1)

        // A 401 that persists is reported after one fresh attempt.
        let stuck = makeClient(server, authorization: StaticAuthorization("Bearer wrong"))
        let error = await #expect(throws: KubeError.self) { _ = try await stuck.api(ConfigMap.self).get("cm") }
        #expect(error?.isUnauthorized == true)
        #expect(server.requests.count == 4)
    }

    @Test func apiErrorsCarryTheStatus() async throws {
        let server = try ScriptedServer { _, conn in
            conn.respondStatus(404, reason: "NotFound", message: #"configmaps "nope" not found"#)
        }
        defer { server.stop() }
        let api = makeClient(server).api(ConfigMap.self)
        let error = await #expect(throws: KubeError.self) { _ = try await api.get("nope") }
        #expect(error?.isNotFound == true)
        #expect(error?.message == #"configmaps "nope" not found"#)
        #expect(try await api.getIfExists("nope") == nil)
    }

    @Test func deleteSendsOptionsAndAcceptsStatusOrObject() async throws {
        let server = try ScriptedServer { req, conn in
            if req.index == 0 {
                conn.respond(200, json: ["kind": "Status", "apiVersion": "v1", "status": "Success", "details": ["name": "a"]])
            } else {
                var o = configMapJSON("b", rv: "9")
                o[path: "metadata", "deletionTimestamp"] = "2024-06-11T10:00:00Z"
                conn.respond(200, json: o)
            }
        }
        defer { server.stop() }
        let api = makeClient(server).api(ConfigMap.self)
        let first = try await api.delete("a", DeleteOptions(propagationPolicy: .foreground,
                                                            preconditions: Preconditions(uid: "u-1")))
        guard case .status(let status) = first else { Issue.record("expected a Status"); return }
        #expect(status.status == "Success")
        let second = try await api.delete("b")
        guard case .object(let cm) = second else { Issue.record("expected the object"); return }
        #expect(cm.metadata.isDeleting)
        let req = server.requests[0]
        #expect(req.query["propagationPolicy"] == "Foreground")
        #expect(req.bodyJSON?[path: "preconditions", "uid"].string == "u-1")
        #expect(req.headers["content-type"] == "application/json")
    }

    @Test func listAllFollowsContinueTokens() async throws {
        let server = try ScriptedServer { req, conn in
            switch req.query["continue"] {
            case nil: conn.respond(200, json: listJSON([configMapJSON("a", rv: "1")], rv: "50", continueToken: "p2"))
            case "p2": conn.respond(200, json: listJSON([configMapJSON("b", rv: "2")], rv: "50", continueToken: "p+3"))
            default: conn.respond(200, json: listJSON([configMapJSON("c", rv: "3")], rv: "50"))
            }
        }
        defer { server.stop() }
        let list = try await makeClient(server).api(ConfigMap.self).listAll(ListOptions(labelSelector: "app=web", limit: 1))
        #expect(list.items.compactMap(\.name) == ["a", "b", "c"])
        #expect(list.resourceVersion == "50" && list.continueToken == nil)
        #expect(server.requests.map { $0.query["continue"] ?? "-" } == ["-", "p2", "p+3"])
        #expect(server.requests.allSatisfy { $0.query["labelSelector"] == "app=web" && $0.query["limit"] == "1" })
    }

    @Test func patchAndSubresourcesOnTheWire() async throws {
        let server = try ScriptedServer { req, conn in
            if req.path.hasSuffix("/scale") {
                conn.respond(200, json: ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": ["name": "web"],
                                         "spec": ["replicas": 0], "status": ["replicas": 1]])
            } else {
                conn.respond(200, json: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"]])
            }
        }
        defer { server.stop() }
        let api = makeClient(server).api(Deployment.self, namespace: "prod")
        let scale = try await api.scale("web", replicas: 0)
        #expect(scale.specReplicas == 0 && scale.statusReplicas == 1)
        _ = try await api.patch("web", .apply(["kind": "Deployment"], fieldManager: "doze", force: true))
        _ = try await api.patchStatus("web", .merge(["status": ["replicas": 1]]))
        let r = server.requests
        #expect(r[0].method == "PATCH" && r[0].path == "/apis/apps/v1/namespaces/prod/deployments/web/scale")
        #expect(r[0].headers["content-type"] == "application/merge-patch+json")
        #expect(r[0].bodyJSON == ["spec": ["replicas": 0]])
        #expect(r[1].headers["content-type"] == "application/apply-patch+yaml")
        #expect(r[1].rawQuery == "fieldManager=doze&force=true")
        #expect(r[2].path.hasSuffix("/web/status"))
    }

    @Test func allNamespacesHandleWritesToTheObjectsNamespace() async throws {
        let server = try ScriptedServer { req, conn in conn.respond(200, json: configMapJSON("cm", rv: "2")) }
        defer { server.stop() }
        let all = makeClient(server).api(ConfigMap.self, namespace: nil)
        var cm = ConfigMap(name: "cm", namespace: "team-b")
        cm.metadata.resourceVersion = "1"
        _ = try await all.replace(cm)
        _ = try await all.replaceStatus(cm)
        _ = try await all.apply(cm, fieldManager: "m")
        _ = try await all.list()
        await #expect(throws: KubeError.self) { _ = try await all.get("cm") }  // a name alone needs a namespace
        #expect(server.requests.map(\.path) == [
            "/api/v1/namespaces/team-b/configmaps/cm", "/api/v1/namespaces/team-b/configmaps/cm/status",
            "/api/v1/namespaces/team-b/configmaps/cm", "/api/v1/configmaps",
        ])
    }

    /// URLSession's request timeout is an idle timer in whole seconds; a request's own
    /// `idleTimeout` must win over the session's default.
    @Test func idleTimeoutPerRequest() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try ScriptedServer { _, _ in _ = release.wait(timeout: .now() + 10) }
        defer { server.stop() }
        defer { release.signal() }
        let client = makeClient(server, retry: .none, requestTimeout: 30)
        let start = Date()
        let error = await #expect(throws: KubeError.self) {
            _ = try await client.send(KubeRequest(method: .get, path: "/slow", idleTimeout: 1))
        }
        #expect(error?.isTransport == true)
        #expect(Date().timeIntervalSince(start) < 8)
    }
}

/// Hands out token-1, then token-2 after an invalidation.
final class RotatingAuthorization: AuthorizationProvider {
    private let state = Mutex<(generation: Int, invalidations: Int)>((1, 0))
    var invalidations: Int { state.withLock { $0.invalidations } }
    func authorization() async throws -> String? { "Bearer token-\(state.withLock { $0.generation })" }
    func invalidate() async { state.withLock { $0.generation += 1; $0.invalidations += 1 } }
}
