/// Serializes heads and chunk framing into a reused byte buffer.
public enum HTTPWriter {
    public static func appendResponseHead(_ head: HTTPResponseHead, to out: inout [UInt8]) {
        appendStatusLine(version: head.version, status: head.status, reason: head.reason, to: &out)
        appendFields(head.headers, to: &out)
        out.append(CR)
        out.append(LF)
    }

    public static func appendRequestHead(_ head: HTTPRequestHead, to out: inout [UInt8]) {
        out.append(contentsOf: head.method.utf8)
        out.append(SP)
        out.append(contentsOf: head.target.utf8)
        out.append(contentsOf: head.version == .http10 ? " HTTP/1.0\r\n".utf8 : " HTTP/1.1\r\n".utf8)
        appendFields(head.headers, to: &out)
        out.append(contentsOf: crlf)
    }

    static func appendFields(_ headers: HTTPHeaders, to out: inout [UInt8]) {
        headers.withWireBytes { out.append(contentsOf: $0) }
    }

    /// Every field but the framing ones (see `isFramingField`), copied as they are.
    @inline(__always)
    static func appendFields(_ headers: HTTPHeaders, exceptFraming orUpgrade: Bool = false, to out: inout [UInt8]) {
        headers.forEachField { f in
            if !isFramingField(f.name, orUpgrade: orUpgrade) { out.append(contentsOf: f.line) }
        }
    }

    /// Chunk-size line for a non-empty chunk; the caller appends the data and `crlf`.
    public static func appendChunkHeader(_ size: Int, to out: inout [UInt8]) {
        precondition(size > 0)
        var digits = 0
        var n = size
        while n > 0 { digits += 1; n >>= 4 }
        for i in stride(from: digits - 1, through: 0, by: -1) {
            let v = (size >> (4 * i)) & 15
            out.append(v < 10 ? UInt8(48 + v) : UInt8(87 + v))
        }
        out.append(CR)
        out.append(LF)
    }

    public static let crlf: [UInt8] = [CR, LF]
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// Digits written most significant first, in place: reversing a slice of `out` afterwards
    /// would copy the whole buffer (the slice holds a second reference to its storage).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value == 0 { out.append(48); return }
        var scale = 1
        while scale <= value / 10 { scale *= 10 }
        var rest = value
        while scale > 0 {
            out.append(UInt8(48 + rest / scale))
            rest %= scale
            scale /= 10
        }
    }

    /// `name: value` CRLF.
    @inline(__always)
    static func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(58)
        out.append(SP)
        out.append(contentsOf: value.utf8)
        out.append(CR)
        out.append(LF)
    }

    /// `name: <decimal>` CRLF.
    static func appendField(_ name: StaticString, decimal: Int, to out: inout [UInt8]) {
        appendStatic(name, to: &out)
        out.append(58)
        out.append(SP)
        appendDecimal(decimal, to: &out)
        out.append(CR)
        out.append(LF)
    }

    @inline(__always)
    static func appendStatic(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// The framing fields a connection sets itself, which callers' header lists must not repeat:
    /// `Content-Length`, `Transfer-Encoding` and `Connection` (and `Upgrade` when asked).
    @inline(__always)
    public static func isFramingField(_ name: UnsafeRawBufferPointer, orUpgrade: Bool = false) -> Bool {
        switch name.count {
        case 14: return bytesEqualLower(name, "content-length")
        case 17: return bytesEqualLower(name, "transfer-encoding")
        case 10: return bytesEqualLower(name, "connection")
        case 7: return orUpgrade && bytesEqualLower(name, "upgrade")
        default: return false
        }
    }

    /// The status line, `HTTP/1.1 200 OK` CRLF.
    static func appendStatusLine(version: HTTPVersion, status: Int, reason: String, to out: inout [UInt8]) {
        if version == .http10 { appendStatic("HTTP/1.0 ", to: &out) } else { appendStatic("HTTP/1.1 ", to: &out) }
        appendDecimal(status, to: &out)
        out.append(SP)
        if reason.isEmpty { appendStatic(staticReasonPhrase(status), to: &out) } else { out.append(contentsOf: reason.utf8) }
        out.append(CR)
        out.append(LF)
    }

    public static func reasonPhrase(_ status: Int) -> String { staticReasonPhrase(status).description }

    static func staticReasonPhrase(_ status: Int) -> StaticString {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }
}
