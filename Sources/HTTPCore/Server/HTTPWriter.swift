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
        for (name, value) in headers { appendField(name, value, to: &out) }
    }

    /// Chunk-size line for a non-empty chunk; the caller appends the data and `crlf`.
    public static func appendChunkHeader(_ size: Int, to out: inout [UInt8]) {
        precondition(size > 0)
        let start = out.count
        var n = size
        while n > 0 {
            out.append(hexDigits[n & 15])
            n >>= 4
        }
        out[start...].reverse()
        out.append(CR)
        out.append(LF)
    }

    public static let crlf: [UInt8] = [CR, LF]
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value == 0 { out.append(48); return }
        let start = out.count
        var n = value
        while n > 0 {
            out.append(UInt8(48 + n % 10))
            n /= 10
        }
        out[start...].reverse()
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
    static func isFramingField(_ name: String, orUpgrade: Bool = false) -> Bool {
        switch name.utf8.count {
        case 14: return name.caseInsensitiveEquals("content-length")
        case 17: return name.caseInsensitiveEquals("transfer-encoding")
        case 10: return name.caseInsensitiveEquals("connection")
        case 7: return orUpgrade && name.caseInsensitiveEquals("upgrade")
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
