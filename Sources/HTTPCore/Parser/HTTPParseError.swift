/// Why a message could not be parsed, and the status a server answers with before closing.
/// A struct wrapping a private enum so cases can be added without breaking callers.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case requestLineTooLong, headersTooLarge, tooManyHeaders
        case bareCR, bareLF, obsFold, whitespaceBeforeColon
        case invalidMethod, invalidTarget, invalidVersion, unsupportedVersion, invalidStatusLine
        case invalidHeaderName, invalidHeaderValue, missingColon
        case missingHost, duplicateHost
        case invalidContentLength, conflictingContentLength, contentLengthWithTransferEncoding
        case unsupportedTransferEncoding
        case invalidChunkSize, chunkSizeTooLarge, invalidChunkExtension, missingChunkCRLF
        case bodyTooLarge, truncated, headerTimeout
    }

    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    /// The status a server should answer with.
    public var status: Int {
        switch kind {
        case .requestLineTooLong: return 414
        case .headersTooLarge, .tooManyHeaders: return 431
        case .unsupportedVersion: return 505
        case .bodyTooLarge: return 413
        case .headerTimeout: return 408
        default: return 400
        }
    }

    static let headerTimeout = HTTPParseError(.headerTimeout)
    static let bodyTooLarge = HTTPParseError(.bodyTooLarge)

    /// True when the peer's message ended before its framing said it would (EOF mid-message).
    public var isTruncation: Bool { kind == .truncated }

    public var description: String {
        switch kind {
        case .requestLineTooLong: return "request line too long"
        case .headersTooLarge: return "header block too large"
        case .tooManyHeaders: return "too many header fields"
        case .bareCR: return "bare CR"
        case .bareLF: return "bare LF"
        case .obsFold: return "obsolete line folding"
        case .whitespaceBeforeColon: return "whitespace before colon in header field"
        case .invalidMethod: return "invalid method"
        case .invalidTarget: return "invalid request target"
        case .invalidVersion: return "invalid HTTP version"
        case .unsupportedVersion: return "HTTP version not supported"
        case .invalidStatusLine: return "invalid status line"
        case .invalidHeaderName: return "invalid header field name"
        case .invalidHeaderValue: return "invalid byte in header field value"
        case .missingColon: return "header field without colon"
        case .missingHost: return "missing Host header"
        case .duplicateHost: return "more than one Host header"
        case .invalidContentLength: return "invalid Content-Length"
        case .conflictingContentLength: return "conflicting Content-Length values"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .unsupportedTransferEncoding: return "Transfer-Encoding other than a final chunked"
        case .invalidChunkSize: return "invalid chunk size"
        case .chunkSizeTooLarge: return "chunk size overflows"
        case .invalidChunkExtension: return "invalid chunk extension"
        case .missingChunkCRLF: return "chunk data not followed by CRLF"
        case .bodyTooLarge: return "body too large"
        case .truncated: return "message truncated"
        case .headerTimeout: return "timed out reading the request head"
        }
    }
}
