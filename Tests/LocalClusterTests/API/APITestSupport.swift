import DozeJSON
import HTTPCore
@testable import LocalCluster

/// Calls the API server's handler the way a client would, without sockets.
struct APIClient {
    let server: APIServer

    init(store: ObjectStore = ObjectStore(), bookmarkInterval: Duration = .seconds(30)) {
        server = APIServer(store: store, bookmarkInterval: bookmarkInterval)
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var json: JSON
        var raw: HTTPResponse
    }

    func call(_ method: String, _ target: String, _ body: JSON? = nil, contentType: String = "application/json",
              accept: String? = nil, userAgent: String = "kubectl/v1.33.0 (linux/amd64)") async -> Reply {
        var headers: HTTPHeaders = ["User-Agent": userAgent]
        if body != nil { headers.add("Content-Type", contentType) }
        if let accept { headers.add("Accept", accept) }
        let req = HTTPRequest(method: method, target: target, headers: headers, body: body?.serializedBytes() ?? [])
        let resp = await server.handle(req)
        var json = JSON.null
        if case .bytes(let b) = resp.body, !b.isEmpty { json = (try? JSON(parsing: b)) ?? .string(String(decoding: b, as: UTF8.self)) }
        return Reply(status: resp.status, headers: resp.headers, json: json, raw: resp)
    }

    func get(_ target: String, accept: String? = nil) async -> Reply { await call("GET", target, accept: accept) }
    func post(_ target: String, _ body: JSON) async -> Reply { await call("POST", target, body) }
    func put(_ target: String, _ body: JSON) async -> Reply { await call("PUT", target, body) }
    func patch(_ target: String, _ body: JSON, _ type: String) async -> Reply {
        await call("PATCH", target, body, contentType: type)
    }
    func delete(_ target: String, _ body: JSON? = nil) async -> Reply { await call("DELETE", target, body) }
}

/// The lines of a streamed response, parsed as JSON, read until `count` or the time bound.
func streamedLines(_ resp: HTTPResponse, count: Int, within seconds: Double = 5) async -> [JSON] {
    guard case .stream(let s) = resp.body else {
        if case .bytes(let b) = resp.body {
            return b.split(separator: 0x0A).compactMap { try? JSON(parsing: Array($0)) }
        }
        return []
    }
    let lines = LineSplitter(chunks: s)
    return await nextEvents(lines, count: count, within: seconds)
}

/// Splits a byte stream into JSON values, one per line.
struct LineSplitter: AsyncSequence, Sendable {
    typealias Element = JSON
    let chunks: AsyncStream<[UInt8]>

    struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncStream<[UInt8]>.AsyncIterator
        var buffer: [UInt8] = []
        mutating func next() async -> JSON? {
            while true {
                if let nl = buffer.firstIndex(of: 0x0A) {
                    let line = Array(buffer[..<nl])
                    buffer.removeSubrange(...nl)
                    if let j = try? JSON(parsing: line) { return j }
                    continue
                }
                guard let chunk = await inner.next() else { return nil }
                buffer += chunk
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: chunks.makeAsyncIterator()) }
}

let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
