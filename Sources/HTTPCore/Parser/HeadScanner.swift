/// Finds the end of a message head (the empty line) in bytes that arrive in any split, checking
/// as it goes that every CR is followed by LF and every LF preceded by CR, and enforcing the
/// first-line and head caps byte by byte so the verdict never depends on how input was split.
/// Offsets are relative to the start of the pending head, which the caller keeps in its buffer.
struct HeadScanner {
    enum Result: Equatable {
        case needMore
        /// The head is complete: its length including the final CRLF CRLF.
        case complete(Int)
        case error(HTTPParseError)
    }

    /// Trailer sections may be empty (just CRLF); heads may not.
    var allowsEmpty = false
    private(set) var scanned = 0
    private var lineStart = 0
    private var lines = 0
    private var sawCR = false

    init(allowsEmpty: Bool = false) { self.allowsEmpty = allowsEmpty }

    mutating func reset() { self = HeadScanner(allowsEmpty: allowsEmpty) }

    /// Scans `buf[start...]`, which begins with the pending head (bytes before `scanned` were
    /// seen by an earlier call).
    mutating func scan(_ buf: UnsafeRawBufferPointer, from start: Int, limits: HTTPParserLimits) -> Result {
        var i = start + scanned
        let end = buf.count
        while i < end {
            if !sawCR {
                // Bytes above CR are neither CR nor LF and need no check of their own: skip them
                // in a tight loop, stopping at the caps so those are enforced at the same byte.
                var stop = min(end, start + limits.maxHead)
                if lines == 0 { stop = min(stop, start + lineStart + limits.maxFirstLine) }
                while i < stop && buf[i] > CR { i += 1 }
                if i == end { break }
            }
            let b = buf[i]
            let rel = i - start
            i += 1
            if sawCR {
                guard b == LF else { return .error(HTTPParseError(.bareCR)) }
                sawCR = false
                if rel - 1 == lineStart {
                    // An empty line: the end of the head, or an empty first line (malformed).
                    guard lines > 0 || allowsEmpty else { return .error(HTTPParseError(.invalidStatusLine)) }
                    scanned = rel + 1
                    return .complete(rel + 1)
                }
                lines += 1
                lineStart = rel + 1
                continue
            }
            if b == CR {
                sawCR = true
            } else if b == LF {
                return .error(HTTPParseError(.bareLF))
            }
            if lines == 0 && rel - lineStart >= limits.maxFirstLine {
                return .error(HTTPParseError(.requestLineTooLong))
            }
            if rel >= limits.maxHead { return .error(HTTPParseError(.headersTooLarge)) }
        }
        scanned = end - start
        return .needMore
    }
}

@usableFromInline let CR: UInt8 = 13
@usableFromInline let LF: UInt8 = 10
@usableFromInline let SP: UInt8 = 32
let HTAB: UInt8 = 9

/// RFC 9110 `tchar`: the bytes allowed in methods, header names and other tokens, as a 128-bit
/// set in two literals (a global table would cost a lazy-initialization check per byte).
@inline(__always) func isToken(_ b: UInt8) -> Bool {
    // Bits for ! # $ % & ' * + - . 0-9 (low word); A-Z ^ _ ` a-z | ~ (high word).
    let low: UInt64 = 0x03FF_6CFA_0000_0000
    let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
    if b < 64 { return low >> UInt64(b) & 1 == 1 }
    if b < 128 { return high >> UInt64(b - 64) & 1 == 1 }
    return false
}

/// Field-value bytes: HTAB, SP, visible ASCII and obs-text; never NUL, other controls or DEL.
@inline(__always) func isFieldValueByte(_ b: UInt8) -> Bool { b == HTAB || (b >= 0x20 && b != 0x7F) }

extension UnsafeRawBufferPointer {
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }

    /// Like `string`, but the words nearly every head carries (methods, the usual reason
    /// phrases) come back as literals: no UTF-8 validation and no new string per request.
    func commonString(_ range: Range<Int>) -> String {
        let b = UnsafeRawBufferPointer(rebasing: self[range])
        switch b.count {
        case 2 where equals(b, "OK"): return "OK"
        case 3 where equals(b, "GET"): return "GET"
        case 3 where equals(b, "PUT"): return "PUT"
        case 4 where equals(b, "POST"): return "POST"
        case 4 where equals(b, "HEAD"): return "HEAD"
        case 5 where equals(b, "PATCH"): return "PATCH"
        case 6 where equals(b, "DELETE"): return "DELETE"
        case 7 where equals(b, "OPTIONS"): return "OPTIONS"
        case 7 where equals(b, "Created"): return "Created"
        case 9 where equals(b, "Not Found"): return "Not Found"
        case 10 where equals(b, "No Content"): return "No Content"
        case 12 where equals(b, "Not Modified"): return "Not Modified"
        default: return String(decoding: b, as: UTF8.self)
        }
    }

    private func equals(_ b: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let l = literal.utf8Start
        for i in 0..<b.count where b[i] != l[i] { return false }
        return true
    }
}
