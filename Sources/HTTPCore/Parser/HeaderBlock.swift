/// Parses the lines of a complete head (already checked for CRLF discipline by HeadScanner) into
/// a first line and header fields, rejecting obs-fold, whitespace before the colon, invalid
/// names and control bytes in values. Shared by the request and response parsers.
struct HeaderBlock {
    var firstLine: Range<Int>
    var headers = HTTPHeaders()
    var contentLength: Int?
    /// Transfer codings listed over all `Transfer-Encoding` fields, and whether the last is `chunked`.
    var transferCodings = 0
    var lastCodingChunked = false
    /// A `Transfer-Encoding` field was present (even an empty one counts one coding).
    var hasTransferEncoding: Bool { transferCodings > 0 }
    /// `Connection` tokens that matter to framing, as flags: no per-field allocation.
    var connectionClose = false
    var connectionKeepAlive = false
    var connectionUpgrade = false
    var hostCount = 0
    /// The first `Expect` field is `100-continue`.
    var expectContinue = false
    private var sawExpect = false

    /// `buf[range]` is the head including its final CRLF CRLF.
    /// Trailer sections have no first line (`hasFirstLine: false`).
    static func parse(_ buf: UnsafeRawBufferPointer, _ range: Range<Int>, limits: HTTPParserLimits,
                      hasFirstLine: Bool = true) -> Result<HeaderBlock, HTTPParseError> {
        var lineStart = range.lowerBound
        var block = HeaderBlock(firstLine: lineStart..<lineStart)
        var needFirst = hasFirstLine
        var count = 0
        // The fields take at most the head's own size: one allocation however many there are.
        block.headers.reserveCapacity(bytes: range.count)
        var i = range.lowerBound
        let end = range.upperBound - 2  // the final CRLF closes the last line's CRLF
        while i < end {
            guard buf[i] == CR else { i += 1; continue }
            let line = lineStart..<i
            i += 2
            lineStart = i
            if needFirst {
                block.firstLine = line
                needFirst = false
                continue
            }
            count += 1
            if count > limits.maxHeaderCount { return .failure(HTTPParseError(.tooManyHeaders)) }
            if let error = block.addField(buf, line) { return .failure(error) }
        }
        return .success(block)
    }

    private mutating func addField(_ buf: UnsafeRawBufferPointer, _ line: Range<Int>) -> HTTPParseError? {
        let first = buf[line.lowerBound]
        if first == SP || first == HTAB { return HTTPParseError(.obsFold) }
        var colon = line.lowerBound
        while colon < line.upperBound && buf[colon] != UInt8(ascii: ":") {
            let b = buf[colon]
            if b == SP || b == HTAB { return HTTPParseError(.whitespaceBeforeColon) }
            if !isToken(b) { return HTTPParseError(.invalidHeaderName) }
            colon += 1
        }
        if colon == line.upperBound { return HTTPParseError(.missingColon) }
        if colon == line.lowerBound { return HTTPParseError(.invalidHeaderName) }
        var vs = colon + 1, ve = line.upperBound
        while vs < ve && (buf[vs] == SP || buf[vs] == HTAB) { vs += 1 }
        while ve > vs && (buf[ve - 1] == SP || buf[ve - 1] == HTAB) { ve -= 1 }
        for j in vs..<ve where !isFieldValueByte(buf[j]) { return HTTPParseError(.invalidHeaderValue) }
        let name = UnsafeRawBufferPointer(rebasing: buf[line.lowerBound..<colon])
        let value = UnsafeRawBufferPointer(rebasing: buf[vs..<ve])
        headers.appendValidated(name: name, value: value)
        return interpret(name, value)
    }

    /// Records the fields that decide framing and connection handling, straight from the bytes.
    /// Common single values take a path that makes no string; lists fall back to splitting.
    private mutating func interpret(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> HTTPParseError? {
        switch name.count {
        case 14 where bytesEqualLower(name, "content-length"):
            if let n = Self.plainDecimal(value) {
                if let old = contentLength, old != n { return HTTPParseError(.conflictingContentLength) }
                contentLength = n
                return nil
            }
            // A list of identical values (from folded duplicates) is one value; differing ones are smuggling.
            let text = String(decoding: value, as: UTF8.self)
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = part.trimmingOWS()
                guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                      let n = Int(digits) else { return HTTPParseError(.invalidContentLength) }
                if let old = contentLength, old != n { return HTTPParseError(.conflictingContentLength) }
                contentLength = n
            }
        case 17 where bytesEqualLower(name, "transfer-encoding"):
            if bytesEqualLower(value, "chunked") {
                transferCodings += 1
                lastCodingChunked = true
                return nil
            }
            for part in String(decoding: value, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false) {
                transferCodings += 1
                lastCodingChunked = part.trimmingOWS().lowercased() == "chunked"
            }
        case 10 where bytesEqualLower(name, "connection"):
            noteConnection(value)
        case 6 where bytesEqualLower(name, "expect"):
            if !sawExpect {
                sawExpect = true
                expectContinue = bytesEqualLower(value, "100-continue")
            }
        case 4 where bytesEqualLower(name, "host"):
            hostCount += 1
        default:
            break
        }
        return nil
    }

    /// 1 to 18 ASCII digits and nothing else (the usual Content-Length), or nil.
    private static func plainDecimal(_ v: UnsafeRawBufferPointer) -> Int? {
        let count = v.count
        guard count > 0, count <= 18 else { return nil }
        var n = 0
        for b in v {
            guard b >= 48 && b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return n
    }

    private mutating func noteConnection(_ value: UnsafeRawBufferPointer) {
        if bytesEqualLower(value, "keep-alive") { connectionKeepAlive = true; return }
        if bytesEqualLower(value, "close") { connectionClose = true; return }
        if bytesEqualLower(value, "upgrade") { connectionUpgrade = true; return }
        for part in String(decoding: value, as: UTF8.self).split(separator: ",") {
            let token = part.trimmingOWS()
            if token.utf8.count == 5 && String(token).caseInsensitiveEquals("close") { connectionClose = true }
            if token.utf8.count == 10 && String(token).caseInsensitiveEquals("keep-alive") { connectionKeepAlive = true }
            if token.utf8.count == 7 && String(token).caseInsensitiveEquals("upgrade") { connectionUpgrade = true }
        }
    }

    /// Only a lone `chunked` is accepted: any other coding (or `chunked` not last) is rejected,
    /// because a peer that disagrees about the body's end is how requests are smuggled.
    var isChunked: Result<Bool, HTTPParseError> {
        guard hasTransferEncoding else { return .success(false) }
        if contentLength != nil { return .failure(HTTPParseError(.contentLengthWithTransferEncoding)) }
        guard transferCodings == 1, lastCodingChunked else {
            return .failure(HTTPParseError(.unsupportedTransferEncoding))
        }
        return .success(true)
    }

    func keepAlive(_ version: HTTPVersion) -> Bool {
        if connectionClose { return false }
        return version.minor >= 1 || connectionKeepAlive
    }

    /// Parses `HTTP/1.x` at `buf[range]`.
    static func version(_ buf: UnsafeRawBufferPointer, _ range: Range<Int>) -> Result<HTTPVersion, HTTPParseError> {
        guard range.count == 8, buf.string(range.lowerBound..<range.lowerBound + 5) == "HTTP/",
              buf[range.lowerBound + 6] == UInt8(ascii: ".") else { return .failure(HTTPParseError(.invalidVersion)) }
        let major = buf[range.lowerBound + 5], minor = buf[range.lowerBound + 7]
        guard (48...57).contains(major), (48...57).contains(minor) else { return .failure(HTTPParseError(.invalidVersion)) }
        guard major == 49 else { return .failure(HTTPParseError(.unsupportedVersion)) }
        return .success(HTTPVersion(major: 1, minor: Int(minor - 48)))
    }
}

extension StringProtocol {
    /// Drops leading and trailing spaces and tabs (optional whitespace).
    func trimmingOWS() -> Substring {
        let s = Substring(self)
        guard let a = s.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return s[s.endIndex...] }
        let b = s.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return s[a...b]
    }
}
