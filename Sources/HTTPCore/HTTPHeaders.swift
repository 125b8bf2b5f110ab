/// Header fields in arrival order. Names compare case-insensitively; values are kept as sent.
///
/// Stored as the bytes that go on the wire, `Name: value` CRLF per field, in one array: a parsed
/// head costs one allocation however many fields it has, no field becomes a `String` unless
/// someone asks for it, and serializing is a copy. The proxy's data path reads and copies fields
/// through `forEachField` without making strings at all.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// `Name: value\r\n` for each field. Values never hold CR, LF or NUL (see `add`).
    @usableFromInline var wire: [UInt8] = []
    /// How many fields `wire` holds.
    public private(set) var count = 0

    public init() {}
    public init(_ fields: [(String, String)]) {
        for (n, v) in fields { add(n, v) }
    }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public var isEmpty: Bool { count == 0 }

    /// The fields as strings (for code off the data path; it allocates two strings per field).
    public var fields: [(name: String, value: String)] { Array(self) }

    public func makeIterator() -> Iterator { Iterator(headers: self) }

    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var offset = 0
        public mutating func next() -> (name: String, value: String)? {
            guard let f = headers.field(at: offset) else { return nil }
            offset = f.line.upperBound
            return headers.wire.withUnsafeBytes { b in (name: b.string(f.name), value: b.string(f.value)) }
        }
    }

    /// The first value of a field, or nil.
    public subscript(name: String) -> String? {
        var found: String?
        forEachField { f in
            guard found == nil, f.nameEquals(name) else { return }
            found = f.valueString
        }
        return found
    }

    public func values(_ name: String) -> [String] {
        var out: [String] = []
        forEachField { f in if f.nameEquals(name) { out.append(f.valueString) } }
        return out
    }

    public func contains(_ name: String) -> Bool {
        var found = false
        forEachField { f in if !found && f.nameEquals(name) { found = true } }
        return found
    }

    /// Appends a field. CR, LF and NUL in either part become spaces: they would end the field on
    /// the wire and let whoever supplied the value inject fields of their own.
    public mutating func add(_ name: String, _ value: String) {
        appendSanitized(name.utf8)
        appendValue(value)
    }

    /// Appends a field whose name is a literal (the name needs no check).
    public mutating func add(_ name: StaticString, _ value: String) {
        wire.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        appendValue(value)
    }

    /// Appends a field named by a literal with the value of a field of another list, as bytes
    /// (values in a list are clean already: see `add`).
    public mutating func add(_ name: StaticString, valueOf field: Field) {
        appendValidated(name: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), value: field.value)
    }

    /// `: value` CRLF after a name just written, completing a field.
    private mutating func appendValue(_ value: String) {
        wire.append(58)
        wire.append(SP)
        appendSanitized(value.utf8)
        wire.append(CR)
        wire.append(LF)
        count += 1
    }

    private mutating func appendSanitized(_ bytes: String.UTF8View) {
        if bytes.withContiguousStorageIfAvailable({ b in
            if !b.contains(where: { $0 == CR || $0 == LF || $0 == 0 }) { wire.append(contentsOf: b); return true }
            return false
        }) == true { return }
        for c in bytes { wire.append(c == CR || c == LF || c == 0 ? SP : c) }
    }

    /// Appends a field from bytes already validated by a parser (no CR, LF or NUL).
    @usableFromInline mutating func appendValidated(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        wire.append(contentsOf: name)
        wire.append(58)
        wire.append(SP)
        wire.append(contentsOf: value)
        wire.append(CR)
        wire.append(LF)
        count += 1
    }

    /// Copies one field of another header list as it is.
    public mutating func append(_ field: Field) {
        wire.append(contentsOf: field.line)
        count += 1
    }

    /// Room for `bytes` more bytes of fields.
    public mutating func reserveCapacity(bytes: Int) { wire.reserveCapacity(wire.count + bytes) }

    /// Replaces every field of that name with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field of that name; when there is none, the storage is left as it is (no copy).
    public mutating func remove(_ name: String) {
        removeAll { $0.nameEquals(name) }
    }

    /// Removes every field named `lower`, a lower-case literal: the byte comparison, for the data path.
    public mutating func remove(lowercased lower: StaticString) {
        removeAll { $0.nameIs(lower) }
    }

    private mutating func removeAll(where matches: (Field) -> Bool) {
        var found = false
        forEachField { f in if !found && matches(f) { found = true } }
        guard found else { return }
        var kept = HTTPHeaders()
        kept.wire.reserveCapacity(wire.count)
        forEachField { f in if !matches(f) { kept.append(f) } }
        self = kept
    }

    /// The serialized fields, `Name: value` CRLF each, without the blank line that ends a head.
    public func withWireBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try wire.withUnsafeBytes(body)
    }

    /// Visits each field as bytes, valid only during the call: no strings, no copies.
    @inlinable public func forEachField(_ body: (Field) throws -> Void) rethrows {
        try wire.withUnsafeBytes { b in
            var i = 0
            while let f = Self.span(b, at: i) {
                try body(Field(bytes: b, span: f))
                i = f.line.upperBound
            }
        }
    }

    func field(at offset: Int) -> FieldSpan? { wire.withUnsafeBytes { Self.span($0, at: offset) } }

    /// The field whose line starts at `i`: its name runs to the first colon, its value from
    /// after the one space `add` writes to the CRLF.
    @inlinable static func span(_ b: UnsafeRawBufferPointer, at i: Int) -> FieldSpan? {
        guard i < b.count else { return nil }
        var colon = i
        while b[colon] != 58 { colon += 1 }
        var cr = colon + 2
        while b[cr] != CR { cr += 1 }
        return FieldSpan(name: i..<colon, value: (colon + 2)..<cr, line: i..<(cr + 2))
    }

    public struct FieldSpan: Sendable {
        public let name: Range<Int>
        public let value: Range<Int>
        public let line: Range<Int>
        @inlinable init(name: Range<Int>, value: Range<Int>, line: Range<Int>) {
            self.name = name; self.value = value; self.line = line
        }
    }

    /// One field seen through `forEachField`: views into the list's storage.
    public struct Field {
        public let name: UnsafeRawBufferPointer
        public let value: UnsafeRawBufferPointer
        /// `Name: value` CRLF.
        public let line: UnsafeRawBufferPointer

        @inlinable init(bytes b: UnsafeRawBufferPointer, span: FieldSpan) {
            name = UnsafeRawBufferPointer(rebasing: b[span.name])
            value = UnsafeRawBufferPointer(rebasing: b[span.value])
            line = UnsafeRawBufferPointer(rebasing: b[span.line])
        }

        /// Case-insensitive comparison of the name with any string.
        public func nameEquals(_ other: String) -> Bool { asciiCaseInsensitiveEquals(name, other) }
        /// The name equals `lower`, a lower-case ASCII literal (the fast comparison).
        @inlinable public func nameIs(_ lower: StaticString) -> Bool { bytesEqualLower(name, lower) }
        @inlinable public func valueIs(_ lower: StaticString) -> Bool { bytesEqualLower(value, lower) }
        /// The name starts with `lower`, a lower-case ASCII literal.
        @inlinable public func nameHasPrefix(_ lower: StaticString) -> Bool {
            let n = lower.utf8CodeUnitCount
            guard name.count >= n else { return false }
            return bytesEqualLower(UnsafeRawBufferPointer(rebasing: name[..<n]), lower)
        }
        public var nameString: String { String(decoding: name, as: UTF8.self) }
        public var valueString: String { String(decoding: value, as: UTF8.self) }
    }
}

/// `bytes` equal the lower-case ASCII literal `lower`, ignoring the case of `bytes`.
@inlinable public func bytesEqualLower(_ bytes: UnsafeRawBufferPointer, _ lower: StaticString) -> Bool {
    let n = lower.utf8CodeUnitCount
    guard bytes.count == n else { return false }
    let l = lower.utf8Start
    for i in 0..<n {
        let c = bytes[i], d = l[i]
        if c != d && !(c >= 0x41 && c <= 0x5A && c | 0x20 == d) { return false }
    }
    return true
}

/// ASCII case-insensitive equality of bytes and a string.
public func asciiCaseInsensitiveEquals(_ bytes: UnsafeRawBufferPointer, _ other: String) -> Bool {
    var s = other
    return s.withUTF8 { o in
        guard o.count == bytes.count else { return false }
        for i in 0..<o.count where !asciiCaseInsensitiveEqual(bytes[i], o[i]) { return false }
        return true
    }
}

extension String {
    @inlinable func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        // Contiguous fast path (native strings); header names are compared on every lookup.
        if let r = a.withContiguousStorageIfAvailable({ pa in
            b.withContiguousStorageIfAvailable { pb in
                for i in 0..<pa.count where !asciiCaseInsensitiveEqual(pa[i], pb[i]) { return false }
                return true
            }
        }), let result = r {
            return result
        }
        return zip(a, b).allSatisfy(asciiCaseInsensitiveEqual)
    }
}

@inlinable func asciiCaseInsensitiveEqual(_ x: UInt8, _ y: UInt8) -> Bool {
    x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
}
