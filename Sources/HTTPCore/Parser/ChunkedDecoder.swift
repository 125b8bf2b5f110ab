/// Removes chunked framing byte by byte: size line (hex, optional extensions), data, CRLF, and
/// after the last chunk the trailer section. Sizes that overflow, non-hex digits, a missing
/// CRLF after data and bare CR/LF are errors, since a lenient decoder is a smuggling vector.
struct ChunkedDecoder {
    private enum State: Equatable {
        case size(digits: Int, value: Int)
        case sizeWhitespace(value: Int)
        case extensions(value: Int, length: Int)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR, dataLF
        case trailers
    }

    enum Step: Equatable {
        case needMore
        case body(Range<Int>)
        case end(HTTPHeaders)
        case error(HTTPParseError)
    }

    private var state = State.size(digits: 0, value: 0)
    private var trailerScanner = HeadScanner(allowsEmpty: true)
    static let maxExtensionLength = 4096

    mutating func next(_ buf: UnsafeRawBufferPointer, at i: inout Int, limits: HTTPParserLimits) -> Step {
        while i < buf.count {
            switch state {
            case .data(let remaining):
                let take = min(remaining, buf.count - i)
                let range = i..<(i + take)
                i += take
                state = take == remaining ? .dataCR : .data(remaining: remaining - take)
                return .body(range)
            case .trailers:
                return trailers(buf, at: &i, limits: limits)
            default:
                if let error = frameByte(buf[i]) { return .error(error) }
                i += 1
            }
        }
        return .needMore
    }

    /// Advances through one byte of framing (size line or the CRLF after data).
    private mutating func frameByte(_ b: UInt8) -> HTTPParseError? {
        switch state {
        case .size(let digits, let value):
            if let h = hexValue(b) {
                guard digits < 15 else { return HTTPParseError(.chunkSizeTooLarge) }
                state = .size(digits: digits + 1, value: value << 4 | h)
            } else if digits == 0 {
                return HTTPParseError(.invalidChunkSize)
            } else if b == UInt8(ascii: ";") {
                state = .extensions(value: value, length: 0)
            } else if b == SP || b == HTAB {
                state = .sizeWhitespace(value: value)
            } else if b == CR {
                state = .sizeLF(value: value)
            } else {
                return HTTPParseError(b == LF ? .bareLF : .invalidChunkSize)
            }
        case .sizeWhitespace(let value):
            if b == UInt8(ascii: ";") { state = .extensions(value: value, length: 0) }
            else if b != SP && b != HTAB { return HTTPParseError(.invalidChunkSize) }
        case .extensions(let value, let length):
            if b == CR { state = .sizeLF(value: value) }
            else if b == LF { return HTTPParseError(.bareLF) }
            else if !isFieldValueByte(b) || length >= Self.maxExtensionLength { return HTTPParseError(.invalidChunkExtension) }
            else { state = .extensions(value: value, length: length + 1) }
        case .sizeLF(let value):
            guard b == LF else { return HTTPParseError(.bareCR) }
            state = value == 0 ? .trailers : .data(remaining: value)
        case .dataCR:
            guard b == CR else { return HTTPParseError(.missingChunkCRLF) }
            state = .dataLF
        case .dataLF:
            guard b == LF else { return HTTPParseError(.missingChunkCRLF) }
            state = .size(digits: 0, value: 0)
        case .data, .trailers:
            break
        }
        return nil
    }

    /// The trailer section stays in the caller's buffer until its empty line arrives.
    private mutating func trailers(_ buf: UnsafeRawBufferPointer, at i: inout Int, limits: HTTPParserLimits) -> Step {
        switch trailerScanner.scan(buf, from: i, limits: HTTPParserLimits(maxFirstLine: limits.maxHead, maxHead: limits.maxHead)) {
        case .needMore:
            return .needMore
        case .error(let e):
            return .error(e)
        case .complete(let n):
            switch HeaderBlock.parse(buf, i..<(i + n), limits: limits, hasFirstLine: false) {
            case .failure(let e): return .error(e)
            case .success(let block):
                i += n
                return .end(block.headers)
            }
        }
    }

    /// Bytes of a pending trailer section the caller must keep (they are not consumed yet).
    var isInTrailers: Bool { state == .trailers }
}

@inline(__always) func hexValue(_ b: UInt8) -> Int? {
    switch b {
    case 48...57: return Int(b - 48)
    case 97...102: return Int(b - 87)
    case 65...70: return Int(b - 55)
    default: return nil
    }
}
