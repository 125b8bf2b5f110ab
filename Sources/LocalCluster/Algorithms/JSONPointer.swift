import DozeJSON

/// An RFC 6901 JSON Pointer: `/metadata/annotations/example.com~1key` reads the
/// `example.com/key` annotation (`~1` is `/`, `~0` is `~`); the empty pointer is the whole document.
struct JSONPointer: Sendable, Equatable {
    let tokens: [String]
    let text: String

    init(_ text: String) throws(PatchError) {
        self.text = text
        if text.isEmpty { tokens = []; return }
        guard text.hasPrefix("/") else {
            throw .unprocessable("JSON pointer must be empty or start with a \"/\": \(text)")
        }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            // Order matters: `~01` is `~1` literally, not `/`.
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    var parent: JSONPointer? {
        guard !tokens.isEmpty else { return nil }
        return JSONPointer(tokens: Array(tokens.dropLast()))
    }

    private init(tokens: [String]) {
        self.tokens = tokens
        self.text = tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The position an index token names in an array of `count` elements, as kube-apiserver's
    /// json-patch library reads it: a decimal integer (leading zeros and a sign accepted), and a
    /// negative index counting from the end (`-1` is the last element). Nil when out of range;
    /// `allowEnd` admits `count` itself (insertion at the end).
    static func arrayIndex(_ token: String, count: Int, allowEnd: Bool = false) -> Int? {
        guard let raw = Int(token) else { return nil }
        let i = raw < 0 ? raw + count : raw
        return i >= 0 && (i < count || (allowEnd && i == count)) ? i : nil
    }

    /// The value the pointer names, or nil when some step is missing.
    func resolve(in document: JSON) -> JSON? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let i = JSONPointer.arrayIndex(token, count: items.count) else { return nil }
                current = items[i]
            default:
                return nil
            }
        }
        return current
    }

    /// True when `self` is a proper prefix of `other` (RFC 6902 forbids moving into a child).
    func isProperPrefix(of other: JSONPointer) -> Bool {
        tokens.count < other.tokens.count && Array(other.tokens.prefix(tokens.count)) == tokens
    }
}

extension JSON {
    /// Equality as JSON means it: `1` and `1.0` are the same number (RFC 6902 `test`).
    func jsonEquals(_ other: JSON) -> Bool {
        switch (self, other) {
        case (.int, .double), (.double, .int), (.double, .double):
            return self.double == other.double
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.jsonEquals($1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map(value.jsonEquals) ?? false }
        default:
            return self == other
        }
    }
}
