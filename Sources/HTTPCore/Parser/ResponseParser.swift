/// An HTTP/1.1 response parser for the upstream side, with the same calling convention as
/// `RequestParser`. Before each response, tell it the request's method (`expect(method:)`):
/// a response to HEAD has no body, and a 2xx to CONNECT turns the connection into a tunnel.
///
/// Informational heads (1xx other than 101) come as `.head` events followed by the final head.
/// After a 101 (or a 2xx to CONNECT) the parser returns `.head`, then `.end`, and then only
/// `.needMore` without consuming: the bytes that follow belong to the upgraded protocol.
/// Bodies without length run until the connection closes: call `finish()` on EOF.
public struct ResponseParser: Sendable {
    private enum State {
        case head
        case body(remaining: Int)
        case chunked(ChunkedDecoder)
        case untilClose
        case endPending(upgraded: Bool)
        case upgraded
        case failed(HTTPParseError)
    }

    public var limits: HTTPParserLimits
    private var state = State.head
    private var scanner = HeadScanner()
    private var method = "GET"

    public init(limits: HTTPParserLimits = HTTPParserLimits()) { self.limits = limits }

    /// Sets the method of the request whose response comes next.
    public mutating func expect(method: String) { self.method = method }

    /// True when the connection now carries another protocol (after 101 or CONNECT's 2xx).
    public var isUpgraded: Bool { if case .upgraded = state { return true } else { return false } }

    /// True between responses with no byte of the next one seen.
    public var isIdle: Bool {
        if case .head = state { return scanner.scanned == 0 }
        return false
    }

    public mutating func next(_ buf: UnsafeRawBufferPointer, at i: inout Int) -> HTTPParserEvent<HTTPResponseHead> {
        switch state {
        case .failed(let e):
            return .error(e)
        case .upgraded:
            return .needMore
        case .endPending(let upgraded):
            state = upgraded ? .upgraded : .head
            return .end(HTTPHeaders())
        case .untilClose:
            guard i < buf.count else { return .needMore }
            let range = i..<buf.count
            i = buf.count
            return .body(range)
        case .body(let remaining):
            guard i < buf.count else { return .needMore }
            let take = min(remaining, buf.count - i)
            let range = i..<(i + take)
            i += take
            state = take == remaining ? .endPending(upgraded: false) : .body(remaining: remaining - take)
            return .body(range)
        case .chunked(var decoder):
            let step = decoder.next(buf, at: &i, limits: limits)
            state = .chunked(decoder)
            switch step {
            case .needMore: return .needMore
            case .body(let r): return .body(r)
            case .end(let trailers):
                state = .head
                return .end(trailers)
            case .error(let e): return fail(e)
            }
        case .head:
            return head(buf, at: &i)
        }
    }

    /// The peer closed the connection: ends a read-until-close body, or reports truncation
    /// when a message was in progress. Returns `.needMore` if the close fell between messages.
    public mutating func finish() -> HTTPParserEvent<HTTPResponseHead> {
        switch state {
        case .untilClose:
            state = .head
            return .end(HTTPHeaders())
        case .head where scanner.scanned == 0:
            return .needMore
        case .upgraded:
            return .needMore
        case .failed(let e):
            return .error(e)
        default:
            return fail(HTTPParseError(.truncated))
        }
    }

    private mutating func head(_ buf: UnsafeRawBufferPointer, at i: inout Int) -> HTTPParserEvent<HTTPResponseHead> {
        switch scanner.scan(buf, from: i, limits: limits) {
        case .needMore: return .needMore
        case .error(let e): return fail(e)
        case .complete(let n):
            switch Self.parseHead(buf, i..<(i + n), limits: limits) {
            case .failure(let e): return fail(e)
            case .success(var head):
                i += n
                scanner.reset()
                applyFraming(&head)
                return .head(head)
            }
        }
    }

    /// RFC 9112 §6.3: the body length depends on the request method and the status.
    private mutating func applyFraming(_ head: inout HTTPResponseHead) {
        let tunnel = head.status == 101 || (method == "CONNECT" && head.status / 100 == 2)
        if tunnel {
            head.framing = .none
            state = .endPending(upgraded: true)
        } else if head.isInformational {
            head.framing = .none
            state = .head
        } else if method == "HEAD" || head.status == 204 || head.status == 304 {
            head.framing = .none
            state = .endPending(upgraded: false)
        } else {
            switch head.framing {
            case .chunked: state = .chunked(ChunkedDecoder())
            case .length(let n) where n > 0: state = .body(remaining: n)
            case .length, .none: state = .endPending(upgraded: false)
            case .untilClose:
                head.keepAlive = false
                state = .untilClose
            }
        }
    }

    private mutating func fail(_ e: HTTPParseError) -> HTTPParserEvent<HTTPResponseHead> {
        state = .failed(e)
        return .error(e)
    }

    static func parseHead(_ buf: UnsafeRawBufferPointer, _ range: Range<Int>, limits: HTTPParserLimits)
        -> Result<HTTPResponseHead, HTTPParseError> {
        let block: HeaderBlock
        switch HeaderBlock.parse(buf, range, limits: limits) {
        case .failure(let e): return .failure(e)
        case .success(let b): block = b
        }
        let line = block.firstLine
        let bad = HTTPParseError(.invalidStatusLine)
        guard line.count >= 12, buf[line.lowerBound + 8] == SP else { return .failure(bad) }
        let version: HTTPVersion
        switch HeaderBlock.version(buf, line.lowerBound..<(line.lowerBound + 8)) {
        case .failure(let e): return .failure(e)
        case .success(let v): version = v
        }
        var status = 0
        for j in (line.lowerBound + 9)..<(line.lowerBound + 12) {
            guard let d = hexValue(buf[j]), d < 10, buf[j] <= 57 else { return .failure(bad) }
            status = status * 10 + d
        }
        guard status >= 100 else { return .failure(bad) }
        var reason = ""
        if line.count > 12 {
            guard buf[line.lowerBound + 12] == SP else { return .failure(bad) }
            for j in (line.lowerBound + 13)..<line.upperBound where !isFieldValueByte(buf[j]) { return .failure(bad) }
            reason = buf.commonString((line.lowerBound + 13)..<line.upperBound)
        }
        var framing = HTTPBodyFraming.untilClose
        if block.hasTransferEncoding {
            // A response's body ends where a final `chunked` says; any other coding reads until close.
            guard block.contentLength == nil else { return .failure(HTTPParseError(.contentLengthWithTransferEncoding)) }
            if block.lastCodingChunked { framing = .chunked }
        } else if let n = block.contentLength {
            framing = .length(n)
        }
        return .success(HTTPResponseHead(status: status, reason: reason, version: version, headers: block.headers,
                                         keepAlive: block.keepAlive(version), framing: framing))
    }
}
