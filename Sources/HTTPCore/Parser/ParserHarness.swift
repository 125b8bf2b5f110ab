/// What both parsers share, so one driver can feed either.
public protocol HTTPMessageParser {
    associatedtype Head: Sendable & Equatable
    mutating func next(_ buf: UnsafeRawBufferPointer, at i: inout Int) -> HTTPParserEvent<Head>
}

extension RequestParser: HTTPMessageParser {}
extension ResponseParser: HTTPMessageParser {}

/// An event with body bytes copied out, for comparing parses of the same input.
public enum CollectedEvent<Head: Sendable & Equatable>: Sendable, Equatable {
    case head(Head)
    case body([UInt8])
    case end(HTTPHeaders)
    case error(HTTPParseError)
}

/// Feeds a parser the way a connection does — a buffer that grows as pieces arrive, consumed
/// bytes dropped — and collects its events with adjacent body pieces merged. Tests and the fuzz
/// target use it to check that any split of the input yields the same events.
public struct ParserHarness<Parser: HTTPMessageParser> {
    public var parser: Parser
    public private(set) var events: [CollectedEvent<Parser.Head>] = []
    private var pending: [UInt8] = []
    private var failed = false

    public init(_ parser: Parser) { self.parser = parser }

    public mutating func feed(_ piece: ArraySlice<UInt8>) {
        guard !failed else { return }
        pending += piece
        var i = 0
        pending.withUnsafeBytes { buf in
            loop: while true {
                let e = parser.next(buf, at: &i)
                switch e {
                case .needMore: break loop
                case .head(let h): events.append(.head(h))
                case .body(let r):
                    let bytes = Array(buf[r])
                    if case .body(let prev)? = events.last {
                        events[events.count - 1] = .body(prev + bytes)
                    } else {
                        events.append(.body(bytes))
                    }
                case .end(let t): events.append(.end(t))
                case .error(let err):
                    events.append(.error(err))
                    failed = true
                    break loop
                }
            }
        }
        pending.removeFirst(i)
    }

    /// Feeds `bytes` cut at the given offsets (sorted or not; out-of-range ones ignored).
    public static func collect(_ parser: Parser, _ bytes: [UInt8], cuts: [Int] = []) -> [CollectedEvent<Parser.Head>] {
        var h = ParserHarness(parser)
        var start = 0
        for cut in cuts.sorted() where cut > start && cut < bytes.count {
            h.feed(bytes[start..<cut])
            start = cut
        }
        h.feed(bytes[start...])
        return h.events
    }

    /// Feeds one byte at a time.
    public static func collectByteByByte(_ parser: Parser, _ bytes: [UInt8]) -> [CollectedEvent<Parser.Head>] {
        collect(parser, bytes, cuts: Array(0..<bytes.count))
    }
}
