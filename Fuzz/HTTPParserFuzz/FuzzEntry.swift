// libFuzzer entry for the HTTP/1.1 parsers, compiled together with Sources/HTTPCore/Parser and
// HTTPTypes.swift by hack/fuzz-http (no package, no sockets). Invariants checked per input:
// no crash or trap, and the events of a parse in one piece equal those of the same bytes cut at
// pseudo-random points (and byte by byte for short inputs), for requests and for responses.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPParserLimits(maxFirstLine: 256, maxHead: 1024, maxHeaderCount: 20)
    let cuts = cutPoints(bytes)
    check(RequestParser(limits: limits), bytes, cuts: cuts)
    for method in ["GET", "HEAD", "CONNECT"] {
        var p = ResponseParser(limits: limits)
        p.expect(method: method)
        check(p, bytes, cuts: cuts)
    }
    return 0
}

private func check<P: HTTPMessageParser>(_ parser: P, _ bytes: [UInt8], cuts: [Int]) {
    let whole = ParserHarness.collect(parser, bytes)
    let split = ParserHarness.collect(parser, bytes, cuts: cuts)
    if whole != split { fatalError("split parse differs at cuts \(cuts): \(whole) vs \(split)") }
    if bytes.count <= 512 {
        let single = ParserHarness.collectByteByByte(parser, bytes)
        if whole != single { fatalError("byte-by-byte parse differs: \(whole) vs \(single)") }
    }
    for event in whole {
        if case .body(let b) = event, b.isEmpty { fatalError("empty body event") }
    }
}

/// Cut points derived from the input itself (FNV-1a), so a crash reproduces from its file alone.
private func cutPoints(_ bytes: [UInt8]) -> [Int] {
    guard bytes.count > 1 else { return [] }
    var h: UInt64 = 0xcbf29ce484222325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    var cuts: [Int] = []
    for _ in 0..<(Int(h % 8) + 1) {
        h = h &* 6364136223846793005 &+ 1442695040888963407
        cuts.append(Int((h >> 33) % UInt64(bytes.count)))
    }
    return cuts
}
