import DozeJSON
import Foundation
import Synchronization
import Testing
@testable import KubeClient

/// The watcher shell against a scripted server: paging, resuming, relisting, backing off.
@Suite struct WatcherTests {
    /// Holds a watch open until the client hangs up (bounded: 10 s), so the server thread ends.
    static func holdUntilClientLeaves(_ conn: ServerConnection) {
        for _ in 0..<1000 {
            var pfd = pollfd(fd: conn.fd, events: Int16(0x2000 /* POLLRDHUP */), revents: 0)
            if poll(&pfd, 1, 10) > 0 && pfd.revents != 0 { return }
        }
    }

    static func describe(_ e: WatcherEvent<ConfigMap>) -> String {
        switch e {
        case .initStarted: return "initStarted"
        case .initApply(let o): return "initApply:\(o.name!)@\(o.resourceVersion!)"
        case .initDone: return "initDone"
        case .apply(let o): return "apply:\(o.name!)@\(o.resourceVersion!)"
        case .delete(let o): return "delete:\(o.name!)@\(o.resourceVersion!)"
        }
    }

    /// Collects events until one equals `last`.
    static func collect(_ watcher: Watcher<ConfigMap>, until last: String) async throws -> [String] {
        try await withTimeout(20) {
            var seen: [String] = []
            for try await e in watcher {
                seen.append(describe(e))
                if seen.last == last { break }
            }
            return seen
        }
    }

    @Test func listsWatchesResumesAndRelists() async throws {
        let server = try ScriptedServer { req, conn in
            switch req.index {
            case 0: conn.respond(200, json: listJSON([configMapJSON("a", rv: "90")], rv: "100", continueToken: "c1"))
            case 1: conn.respond(200, json: listJSON([configMapJSON("b", rv: "95")], rv: "100"))
            case 2:  // first watch: an event, a bookmark, then a clean end (timeoutSeconds)
                conn.startChunked()
                conn.writeLine(watchLine("ADDED", configMapJSON("c", rv: "101")))
                conn.writeLine(bookmarkLine(rv: "110"))
                conn.endChunked()
            case 3:  // resumed from the bookmark: an event, then 410 Expired
                conn.startChunked()
                conn.writeLine(watchLine("MODIFIED", configMapJSON("a", rv: "111")))
                conn.writeLine(expiredLine())
                conn.endChunked()
            case 4: conn.respond(200, json: listJSON([configMapJSON("a", rv: "111"), configMapJSON("c", rv: "101")], rv: "200"))
            case 5:  // a connection that drops mid-stream
                conn.startChunked()
                conn.writeLine(watchLine("DELETED", configMapJSON("c", rv: "201")))
                conn.drop()
            default:
                conn.startChunked()
                conn.writeLine(watchLine("ADDED", configMapJSON("d", rv: "202")))
                WatcherTests.holdUntilClientLeaves(conn)
            }
        }
        defer { server.stop() }
        let clock = RecordingClock()
        let watcher = makeClient(server, clock: clock).api(ConfigMap.self)
            .watcher(WatcherConfig(labelSelector: "app=web", pageSize: 1, timeoutSeconds: 60))
        let seen = try await Self.collect(watcher, until: "apply:d@202")
        #expect(seen == [
            "initStarted", "initApply:a@90", "initApply:b@95", "initDone",
            "apply:c@101", "apply:a@111",
            "initStarted", "initApply:a@111", "initApply:c@101", "initDone",
            "delete:c@201", "apply:d@202",
        ])
        let q = server.requests.map(\.query)
        #expect(q[0]["limit"] == "1" && q[0]["continue"] == nil && q[0]["resourceVersion"] == nil)
        #expect(q[1]["continue"] == "c1")
        #expect(q[2]["watch"] == "true" && q[2]["resourceVersion"] == "100" && q[2]["allowWatchBookmarks"] == "true")
        #expect(q[2]["timeoutSeconds"] == "60" && q[2]["labelSelector"] == "app=web")
        #expect(q[3]["resourceVersion"] == "110")  // the bookmark advanced it
        #expect(q[4]["watch"] == nil && q[4]["resourceVersion"] == nil && q[4]["continue"] == nil)  // relist after 410
        #expect(q[5]["resourceVersion"] == "200")
        #expect(q[6]["resourceVersion"] == "201")  // resumed after the dropped connection
        // Only the dropped connection backed off (0.8 s ± 20%); the clean end and 410 did not.
        #expect(clock.recorded.count == 1)
        #expect(clock.recorded.allSatisfy { $0 >= 0.64 && $0 <= 0.96 })
    }

    /// A consumer that stops iterating stops the watcher, which closes its watch connection.
    @Test func stoppingTheConsumerClosesTheWatch() async throws {
        let closed = AsyncSignal()
        let server = try ScriptedServer { req, conn in
            if req.query["watch"] == nil { conn.respond(200, json: listJSON([], rv: "1")); return }
            conn.startChunked()
            conn.writeLine(watchLine("ADDED", configMapJSON("a", rv: "2")))
            WatcherTests.holdUntilClientLeaves(conn)
            closed.signal()
        }
        defer { server.stop() }
        let watcher = makeClient(server).api(ConfigMap.self).watcher()
        for try await event in watcher { if case .apply = event { break } }
        let start = Date()
        let result = await closed.wait(upTo: 10)
        #expect(result)
        #expect(Date().timeIntervalSince(start) < 9)  // closed by the client, not by the 10 s bound
    }

    @Test func goneOnWatchOpenRelistsAndErrorsBackOff() async throws {
        let server = try ScriptedServer { req, conn in
            switch req.index {
            case 0: conn.respondStatus(503, reason: "ServiceUnavailable")  // retried by the transport
            case 1: conn.respond(200, json: listJSON([], rv: "10"))
            case 2: conn.respondStatus(410, reason: "Expired")
            case 3: conn.respond(200, json: listJSON([configMapJSON("x", rv: "20")], rv: "20"))
            case 4: conn.respondStatus(403, reason: "Forbidden")  // not retried: the watcher backs off
            default:
                conn.startChunked()
                conn.writeLine(watchLine("ADDED", configMapJSON("y", rv: "21")))
                WatcherTests.holdUntilClientLeaves(conn)
            }
        }
        defer { server.stop() }
        let clock = RecordingClock()
        let errors = Mutex<[Int]>([])
        let watcher = makeClient(server, clock: clock).api(ConfigMap.self)
            .watcher(WatcherConfig(onError: { e in errors.withLock { $0.append(e.statusCode ?? 0) } }))
        let seen = try await Self.collect(watcher, until: "apply:y@21")
        #expect(seen == ["initStarted", "initDone", "initStarted", "initApply:x@20", "initDone", "apply:y@21"])
        let q = server.requests.map(\.query)
        #expect(q[2]["resourceVersion"] == "10" && q[4]["resourceVersion"] == "20" && q[5]["resourceVersion"] == "20")
        #expect(errors.withLock { $0 } == [410, 403])
        #expect(clock.recorded.count == 2)  // the transport's retry of the 503, then the watcher's backoff
    }
}
