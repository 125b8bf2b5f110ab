/// An HTTP/1.1 request parser: a value-type state machine fed the caller's buffer.
///
/// Call `next(buf, at: &i)` repeatedly; it consumes bytes by advancing `i` and returns one event.
/// `.needMore` means the bytes from `i` on are an incomplete head (or chunk trailer): keep them,
/// append what the socket delivers next, and call again from the same offset. Body bytes are
/// returned as ranges of `buf`, so they can be forwarded without copying.
///
/// After `.end` the parser expects the next pipelined request. When a request may switch
/// protocols (`head.mayUpgrade`), stop calling the parser until the response decides.
public struct RequestParser: Sendable {
    private enum State {
        case head
        case body(remaining: Int)
        case chunked(ChunkedDecoder)
        case endPending
        case failed(HTTPParseError)
    }

    public var limits: HTTPParserLimits
    private var state = State.head
    private var scanner = HeadScanner()

    public init(limits: HTTPParserLimits = HTTPParserLimits()) { self.limits = limits }

    /// True between messages with no byte of the next one seen (a clean point to close).
    public var isIdle: Bool {
        if case .head = state { return scanner.scanned == 0 }
        return false
    }

    public mutating func next(_ buf: UnsafeRawBufferPointer, at i: inout Int) -> HTTPParserEvent<HTTPRequestHead> {
        switch state {
        case .failed(let e):
            return .error(e)
        case .endPending:
            state = .head
            return .end(HTTPHeaders())
        case .body(let remaining):
            guard i < buf.count else { return .needMore }
            let take = min(remaining, buf.count - i)
            let range = i..<(i + take)
            i += take
            state = take == remaining ? .endPending : .body(remaining: remaining - take)
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

    private mutating func head(_ buf: UnsafeRawBufferPointer, at i: inout Int) -> HTTPParserEvent<HTTPRequestHead> {
        // RFC 9112 §2.2: ignore empty lines before a request line (some clients send CRLF after a body).
        while scanner.scanned == 0 && i < buf.count && buf[i] == CR {
            guard i + 1 < buf.count else { return .needMore }
            guard buf[i + 1] == LF else { return fail(HTTPParseError(.bareCR)) }
            i += 2
        }
        switch scanner.scan(buf, from: i, limits: limits) {
        case .needMore: return .needMore
        case .error(let e): return fail(e)
        case .complete(let n):
            switch Self.parseHead(buf, i..<(i + n), limits: limits) {
            case .failure(let e): return fail(e)
            case .success(let head):
                i += n
                scanner.reset()
                switch head.framing {
                case .chunked: state = .chunked(ChunkedDecoder())
                case .length(let len) where len > 0: state = .body(remaining: len)
                default: state = .endPending
                }
                return .head(head)
            }
        }
    }

    private mutating func fail(_ e: HTTPParseError) -> HTTPParserEvent<HTTPRequestHead> {
        state = .failed(e)
        return .error(e)
    }

    static func parseHead(_ buf: UnsafeRawBufferPointer, _ range: Range<Int>, limits: HTTPParserLimits)
        -> Result<HTTPRequestHead, HTTPParseError> {
        let block: HeaderBlock
        switch HeaderBlock.parse(buf, range, limits: limits) {
        case .failure(let e): return .failure(e)
        case .success(let b): block = b
        }
        let line = block.firstLine
        var sp1 = line.lowerBound
        while sp1 < line.upperBound && buf[sp1] != SP {
            guard isToken(buf[sp1]) else { return .failure(HTTPParseError(.invalidMethod)) }
            sp1 += 1
        }
        guard sp1 > line.lowerBound, sp1 < line.upperBound else { return .failure(HTTPParseError(.invalidMethod)) }
        var sp2 = sp1 + 1
        while sp2 < line.upperBound && buf[sp2] != SP {
            // Visible ASCII or obs-text only: no controls, no DEL.
            guard buf[sp2] > SP && buf[sp2] != 0x7F else { return .failure(HTTPParseError(.invalidTarget)) }
            sp2 += 1
        }
        guard sp2 > sp1 + 1, sp2 < line.upperBound else { return .failure(HTTPParseError(.invalidTarget)) }
        let version: HTTPVersion
        switch HeaderBlock.version(buf, (sp2 + 1)..<line.upperBound) {
        case .failure(let e): return .failure(e)
        case .success(let v): version = v
        }
        if block.hostCount > 1 { return .failure(HTTPParseError(.duplicateHost)) }
        if block.hostCount == 0 && version.minor >= 1 { return .failure(HTTPParseError(.missingHost)) }
        var framing = HTTPBodyFraming.none
        switch block.isChunked {
        case .failure(let e): return .failure(e)
        case .success(true): framing = .chunked
        case .success(false): if let n = block.contentLength { framing = .length(n) }
        }
        var head = HTTPRequestHead(method: buf.commonString(line.lowerBound..<sp1), target: buf.string((sp1 + 1)..<sp2),
                                   version: version, headers: block.headers, keepAlive: block.keepAlive(version),
                                   framing: framing)
        if block.expectContinue && version.minor >= 1 { head.expectsContinue = true }
        if block.connectionUpgrade { head.upgrade = head.headers["upgrade"] }
        return .success(head)
    }
}
