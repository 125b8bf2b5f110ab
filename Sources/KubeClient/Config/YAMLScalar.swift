import DozeJSON

/// Scalars of the YAML subset: typing of plain scalars (YAML 1.2 core schema), quoted scalars
/// with their escapes, simple flow sequences, and comment stripping. Pure functions on one line.
enum YAMLScalar {
    /// Types a plain scalar as the YAML 1.2 core schema does: null, booleans, integers, floats;
    /// everything else is a string.
    static func typed(_ s: String) -> JSON {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let i = integer(s) { return .int(i) }
        if isFloat(s), let d = Double(s) { return .double(d) }
        return .string(s)
    }

    private static func integer(_ s: String) -> Int64? {
        if s.hasPrefix("0o"), s.count > 2 { return Int64(s.dropFirst(2), radix: 8) }
        if s.hasPrefix("0x"), s.count > 2 { return Int64(s.dropFirst(2), radix: 16) }
        var digits = Substring(s)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(s.hasPrefix("+") ? String(s.dropFirst()) : s)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ s: String) -> Bool {
        var c = Array(s.utf8)[...]
        func digits() -> Int {
            var n = 0
            while let d = c.first, d >= 0x30, d <= 0x39 { c = c.dropFirst(); n += 1 }
            return n
        }
        if c.first == UInt8(ascii: "-") || c.first == UInt8(ascii: "+") { c = c.dropFirst() }
        var mantissa = digits()
        if c.first == UInt8(ascii: ".") { c = c.dropFirst(); mantissa += digits() }
        guard mantissa > 0 else { return false }
        if c.first == UInt8(ascii: "e") || c.first == UInt8(ascii: "E") {
            c = c.dropFirst()
            if c.first == UInt8(ascii: "-") || c.first == UInt8(ascii: "+") { c = c.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return c.isEmpty
    }

    /// Removes a trailing comment (`#` at the start or after whitespace, outside quotes) and
    /// trailing whitespace. A quote opens a quoted scalar only where a token starts.
    static func stripComment(_ s: Substring) -> Substring {
        var quote: Character? = nil
        var previous: Character = " "
        var index = s.startIndex
        while index < s.endIndex {
            let c = s[index]
            if let q = quote {
                if q == "\"", c == "\\" {
                    index = s.index(after: index)
                    if index == s.endIndex { break }
                } else if c == q { quote = nil }
            } else if c == "#", previous == " " || previous == "\t" {
                return trimTrailing(s[..<index])
            } else if c == "\"" || c == "'", " \t[{,:-".contains(previous) {
                quote = c
            }
            previous = c
            index = s.index(after: index)
        }
        return trimTrailing(s)
    }

    static func trimTrailing(_ s: Substring) -> Substring {
        var end = s.endIndex
        while end > s.startIndex, s[s.index(before: end)] == " " || s[s.index(before: end)] == "\t" {
            end = s.index(before: end)
        }
        return s[..<end]
    }

    static func trimLeading(_ s: Substring) -> Substring {
        s.drop { $0 == " " || $0 == "\t" }
    }

    enum QuotedRead {
        /// The closing quote was found; what follows it on the line.
        case closed(rest: Substring)
        /// The line ended first; `escapedBreak` if it ended with a backslash (join without space).
        case open(escapedBreak: Bool)
    }

    /// Reads a quoted scalar's text from `s` (just after the opening quote, or a continuation
    /// line), appending to `out`.
    static func readQuoted(_ s: Substring, quote: Character, into out: inout String) throws -> QuotedRead {
        var index = s.startIndex
        while index < s.endIndex {
            let c = s[index]
            index = s.index(after: index)
            if c == quote {
                if quote == "'", index < s.endIndex, s[index] == "'" {
                    out.append("'")
                    index = s.index(after: index)
                    continue
                }
                return .closed(rest: s[index...])
            }
            if quote == "\"", c == "\\" {
                guard index < s.endIndex else { return .open(escapedBreak: true) }
                index = try appendEscape(s, at: index, into: &out)
                continue
            }
            out.append(c)
        }
        return .open(escapedBreak: false)
    }

    private static func appendEscape(_ s: Substring, at start: Substring.Index, into out: inout String) throws
        -> Substring.Index
    {
        let e = s[start]
        var index = s.index(after: start)
        let simple: [Character: String] = [
            "0": "\u{0}", "a": "\u{7}", "b": "\u{8}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{B}",
            "f": "\u{C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
            "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
        ]
        if let text = simple[e] { out.append(text); return index }
        let width: Int
        switch e {
        case "x": width = 2
        case "u": width = 4
        case "U": width = 8
        default: throw YAMLScalarError("unknown escape '\\\(e)' in a double-quoted scalar")
        }
        guard let end = s.index(index, offsetBy: width, limitedBy: s.endIndex),
            let code = UInt32(s[index..<end], radix: 16), let scalar = Unicode.Scalar(code)
        else { throw YAMLScalarError("bad escape '\\\(e)' in a double-quoted scalar") }
        out.unicodeScalars.append(scalar)
        index = end
        return index
    }

    /// A simple flow sequence on one line: `[a, 'b', "c"]` (no nesting); `[]` and `{}` too.
    static func flow(_ s: Substring) throws -> JSON {
        if s == "{}" { return .object([:]) }
        if s.first == "{" { throw YAMLScalarError("flow mappings other than {} are not supported") }
        guard s.last == "]" else { throw YAMLScalarError("a flow sequence must close on the same line") }
        var items: [JSON] = []
        var rest = trimLeading(s.dropFirst().dropLast())
        while !rest.isEmpty {
            if let q = rest.first, q == "\"" || q == "'" {
                var text = ""
                guard case .closed(let after) = try readQuoted(rest.dropFirst(), quote: q, into: &text) else {
                    throw YAMLScalarError("unterminated quoted scalar in a flow sequence")
                }
                items.append(.string(text))
                rest = trimLeading(after)
            } else {
                let item = rest.prefix { $0 != "," }
                if item.contains(where: { "[]{}".contains($0) }) {
                    throw YAMLScalarError("nested flow collections are not supported")
                }
                items.append(typed(String(trimTrailing(item))))
                rest = rest.dropFirst(item.count)
            }
            if rest.first == "," { rest = trimLeading(rest.dropFirst()) }
            else if !rest.isEmpty { throw YAMLScalarError("expected ',' or ']' in a flow sequence") }
        }
        return .array(items)
    }
}

/// A scalar-level problem; the parser adds the file and line.
struct YAMLScalarError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
