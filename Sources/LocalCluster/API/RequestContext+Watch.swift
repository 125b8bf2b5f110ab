import DozeJSON
import Foundation
import HTTPCore

extension RequestContext {
    /// `?watch=true`: one JSON event per line, streamed until `timeoutSeconds` or the client leaves.
    /// A resourceVersion older than the kept history gives one ERROR event carrying a 410 Expired Status.
    func watch(name: String? = nil) throws(APIError) -> HTTPResponse {
        var opts = try listOptions()
        if let name {
            if let pinned = opts.fieldSelector.pinnedName, pinned != name {
                throw .badRequest("fieldSelector metadata.name doesn't match requested name: \(pinned) != \(name)")
            }
            opts.fieldSelector.requirements.append(.init(field: "metadata.name", value: name, negated: false))
        }
        let watchOptions = WatchOptions(namespace: opts.namespace, labelSelector: opts.labelSelector,
                                        fieldSelector: opts.fieldSelector, resourceVersion: query["resourceVersion"])
        let headers: HTTPHeaders = ["Content-Type": "application/json"]
        let storeWatch: StoreWatch
        do {
            storeWatch = try store.openWatch(gvr, watchOptions)
        } catch where error.code == 410 {
            let line = WatchEvent(.error, error.status).json.serializedBytes() + [0x0A]
            return HTTPResponse(status: 200, headers: headers, body: .bytes(line))
        }
        let encoder = WatchEncoder(tableType: wantsTable ? type : nil, clock: store.now,
                                   include: query["includeObject"] ?? "Metadata")
        let timeout = query.int("timeoutSeconds").flatMap { $0 > 0 ? $0 : nil } ?? Int.random(in: 1800..<3600)
        let bookmarks = query.bool("allowWatchBookmarks") && query["allowWatchBookmarks"] != "false"
        let stream = Self.stream(storeWatch, encoder: encoder, timeout: .seconds(timeout),
                                 bookmarkInterval: bookmarks ? server.bookmarkInterval : nil)
        return HTTPResponse(status: 200, headers: headers, body: .stream(stream))
    }

    /// Pumps store events to the client; at the deadline it sends a last BOOKMARK (when allowed)
    /// and ends the stream cleanly, as kube-apiserver does.
    static func stream(_ w: StoreWatch, encoder: WatchEncoder, timeout: Duration,
                       bookmarkInterval: Duration?) -> AsyncStream<[UInt8]> {
        let (out, cont) = AsyncStream.makeStream(of: [UInt8].self)
        let task = Task {
            let pump = Task {
                for await ev in w.events { cont.yield(encoder.line(ev)) }
            }
            let ticker = bookmarkInterval.map { interval in
                Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        if !Task.isCancelled { w.bookmark() }
                    }
                }
            }
            try? await Task.sleep(for: timeout)
            ticker?.cancel()
            if !Task.isCancelled, bookmarkInterval != nil { w.bookmark() }
            w.stop()
            await pump.value
            cont.finish()
        }
        cont.onTermination = { _ in
            task.cancel()
            w.stop()
        }
        return out
    }
}

/// Turns watch events into wire lines, as Tables when the client asked for them (`kubectl get -w`).
struct WatchEncoder: Sendable {
    var tableType: ResourceType?
    var clock: @Sendable () -> Date
    var include: String

    func line(_ ev: WatchEvent) -> [UInt8] {
        var e = ev
        if let tableType, ev.type != .bookmark, ev.type != .error {
            e.object = TableConverter(type: tableType, now: clock()).table(
                [ev.object], include: include, resourceVersion: ev.resourceVersion, continueToken: nil)
        }
        return e.json.serializedBytes() + [0x0A]
    }
}
