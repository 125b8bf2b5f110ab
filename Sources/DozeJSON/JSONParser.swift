/// A JSON syntax error with the byte offset where parsing stopped.
public struct JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSON {
    /// Parses one JSON document (RFC 8259). Trailing whitespace is allowed, anything else is not.
    public init(parsing text: String) throws(JSONError) {
        self = try JSON(parsing: Array(text.utf8))
    }

    public init(parsing bytes: [UInt8]) throws(JSONError) {
        let result: Result<JSON, JSONError> = bytes.withUnsafeBufferPointer { buf in
            Result { () throws(JSONError) -> JSON in try JSON(parsing: buf) }
        }
        self = try result.get()
    }

    public init(parsing buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) {
        var p = JSONParser(buffer)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.pos == buffer.count else { throw p.error("unexpected data after the document") }
        self = v
    }
}

/// A recursive-descent parser over UTF-8 bytes. Depth is capped so hostile input cannot overflow
/// the stack (the API server parses request bodies with it).
struct JSONParser {
    static let maxDepth = 512
    let b: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    func error(_ reason: String) -> JSONError { JSONError(offset: pos, reason: reason) }

    mutating func skipSpace() {
        while pos < b.count {
            switch b[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSON {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        guard pos < b.count else { throw error("unexpected end of input") }
        switch b[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= b.count else { throw error("unexpected end of input") }
        for i in 0..<n where b[pos + i] != word.utf8Start[i] { throw error("invalid literal") }
        pos += n
    }

    mutating func object(depth: Int) throws(JSONError) -> JSON {
        pos += 1
        var o: [String: JSON] = [:]
        skipSpace()
        if pos < b.count, b[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
        while true {
            skipSpace()
            guard pos < b.count, b[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipSpace()
            guard pos < b.count, b[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            skipSpace()
            o[key] = try value(depth: depth + 1)
            skipSpace()
            guard pos < b.count else { throw error("unexpected end of input") }
            if b[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if b[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
            throw error("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(JSONError) -> JSON {
        pos += 1
        var a: [JSON] = []
        skipSpace()
        if pos < b.count, b[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
        while true {
            skipSpace()
            a.append(try value(depth: depth + 1))
            skipSpace()
            guard pos < b.count else { throw error("unexpected end of input") }
            if b[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if b[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func number() throws(JSONError) -> JSON {
        let start = pos
        var isInteger = true
        if b[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < b.count, isDigit(b[pos]) else { throw error("invalid number") }
        if b[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < b.count, isDigit(b[pos]) { pos += 1 }
        }
        if pos < b.count, b[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < b.count, isDigit(b[pos]) else { throw error("invalid number") }
            while pos < b.count, isDigit(b[pos]) { pos += 1 }
        }
        if pos < b.count, b[pos] == UInt8(ascii: "e") || b[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < b.count, b[pos] == UInt8(ascii: "+") || b[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < b.count, isDigit(b[pos]) else { throw error("invalid number") }
            while pos < b.count, isDigit(b[pos]) { pos += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw JSONError(offset: start, reason: "invalid number") }
        return .double(d)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    mutating func string() throws(JSONError) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < b.count {
            let c = b[pos]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: b[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character in string") }
            pos += 1
        }
        var bytes = Array(b[start..<pos])
        while pos < b.count {
            let c = b[pos]
            if c == UInt8(ascii: "\"") { pos += 1; return String(decoding: bytes, as: UTF8.self) }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") { bytes.append(c); pos += 1; continue }
            pos += 1
            guard pos < b.count else { break }
            let e = b[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"): appendScalar(try unicodeEscape(), to: &bytes)
            default: throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard pos + 4 <= b.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    /// Decodes `\uXXXX`, joining surrogate pairs; a lone surrogate becomes U+FFFD as Go does.
    mutating func unicodeEscape() throws(JSONError) -> Unicode.Scalar {
        let hi = try hex4()
        if (0xD800...0xDBFF).contains(hi), pos + 6 <= b.count,
            b[pos] == UInt8(ascii: "\\"), b[pos + 1] == UInt8(ascii: "u")
        {
            let save = pos
            pos += 2
            let lo = try hex4()
            if (0xDC00...0xDFFF).contains(lo) {
                return Unicode.Scalar(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)) ?? "\u{FFFD}"
            }
            pos = save
        }
        return Unicode.Scalar(hi) ?? "\u{FFFD}"
    }

    func appendScalar(_ s: Unicode.Scalar, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UTF8.encode(s)!)
    }
}
