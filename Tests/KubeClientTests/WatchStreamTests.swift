import DozeJSON
import Foundation
import Synchronization
import Testing
@testable import KubeClient

/// Raw watch streams: promptness, ERROR events, cancellation.
@Suite struct WatchStreamTests {
    /// Each line reaches the consumer before the server writes the next one: the server waits
    /// (up to 5 s) for the consumer's acknowledgement of line i before writing line i+1.
    @Test func eachLineArrivesBeforeTheNextIsWritten() async throws {
        let acks = DispatchSemaphore(value: 0)
        let late = Atomic<Int>(0)
        let count = 50
        let server = try ScriptedServer { _, conn in
            conn.startChunked()
            for i in 0..<count {
                conn.writeLine(watchLine("ADDED", configMapJSON("cm-\(i)", rv: String(100 + i))))
                if acks.wait(timeout: .now() + 5) == .timedOut { late.add(1, ordering: .relaxed) }
            }
            conn.endChunked()
        }
        defer { server.stop() }
        let api = makeClient(server).api(ConfigMap.self)
        var seen: [String] = []
        for try await event in try await api.watch(WatchOptions(resourceVersion: "99")) {
            guard case .added(let cm) = event else { Issue.record("unexpected \(event)"); break }
            seen.append(cm.name ?? "")
            acks.signal()
        }
        #expect(seen == (0..<count).map { "cm-\($0)" })
        #expect(late.load(ordering: .relaxed) == 0)
        let query = try #require(server.requests.first).query
        #expect(query["watch"] == "true" && query["resourceVersion"] == "99" && query["allowWatchBookmarks"] == "true")
    }

    @Test func eventsSplitAcrossChunksAndErrorEvents() async throws {
        let server = try ScriptedServer { _, conn in
            conn.startChunked()
            var line = watchLine("MODIFIED", configMapJSON("a", rv: "7")).serializedBytes() + [0x0A]
            // One event split over three chunks, then a bookmark and a 410 ERROR in one chunk.
            conn.writeChunk(Array(line[..<5]))
            conn.writeChunk(Array(line[5..<20]))
            conn.writeChunk(Array(line[20...]))
            line = bookmarkLine(rv: "9").serializedBytes() + [0x0A] + expiredLine().serializedBytes() + [0x0A]
            conn.writeChunk(line)
            conn.endChunked()
        }
        defer { server.stop() }
        var events: [WatchEvent<ConfigMap>] = []
        for try await e in try await makeClient(server).api(ConfigMap.self).watch() { events.append(e) }
        #expect(events.count == 3)
        guard case .modified(let a) = events[0], case .bookmark(let rv) = events[1], case .error(let e) = events[2] else {
            Issue.record("unexpected \(events)"); return
        }
        #expect(a.resourceVersion == "7" && rv == "9")
        #expect(e.isGone && e.statusCode == 410 && e.message == "too old resource version")
    }

    @Test func goneAsHTTPStatusThrows() async throws {
        let server = try ScriptedServer { _, conn in conn.respondStatus(410, reason: "Expired") }
        defer { server.stop() }
        let error = await #expect(throws: KubeError.self) { _ = try await makeClient(server).api(ConfigMap.self).watch() }
        #expect(error?.isGone == true)
    }

    @Test func droppedStreamThrowsTransportError() async throws {
        let server = try ScriptedServer { _, conn in
            conn.startChunked()
            conn.writeLine(watchLine("ADDED", configMapJSON("a", rv: "1")))
            conn.drop()
        }
        defer { server.stop() }
        var names: [String] = []
        let error = await #expect(throws: KubeError.self) {
            for try await e in try await makeClient(server).api(ConfigMap.self).watch() {
                if case .added(let o) = e { names.append(o.name ?? "") }
            }
        }
        #expect(names == ["a"])
        #expect(error?.isTransport == true)
    }

    /// A consumer that stops reading closes the connection: the server's writes start failing.
    @Test func stoppingTheConsumerClosesTheConnection() async throws {
        let closed = AsyncSignal()
        let server = try ScriptedServer { _, conn in
            conn.startChunked()
            conn.writeLine(watchLine("ADDED", configMapJSON("a", rv: "1")))
            // Keep writing bookmarks until the client hangs up (bounded: 10 s).
            for _ in 0..<1000 {
                var pfd = pollfd(fd: conn.fd, events: Int16(0x2000 /* POLLRDHUP */), revents: 0)
                if poll(&pfd, 1, 10) > 0 && pfd.revents != 0 { closed.signal(); return }
            }
        }
        defer { server.stop() }
        let client = makeClient(server)
        for try await _ in try await client.api(ConfigMap.self).watch() { break }
        let result = await closed.wait(upTo: 10)
        #expect(result)
    }
}
