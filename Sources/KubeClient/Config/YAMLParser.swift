import DozeJSON

/// A parser for the YAML subset that kubectl writes, into `JSON`: block mappings and sequences
/// (including `- key: v` items and sequences at their key's indentation), plain, single- and
/// double-quoted scalars (folded over several lines), `|` and `>` block scalars, comments, a
/// leading `---`, `{}`, `[]` and simple flow sequences. Anchors, aliases, tags, flow mappings,
/// complex keys and multiple documents are rejected with the file and line.
public enum YAML {
    /// Parses one document; an empty document is `.null`. `source` names the file in errors.
    public static func parse(_ text: String, source: String) throws -> JSON {
        var parser = YAMLParser(text: text, source: source)
        return try parser.parseDocument()
    }
}

/// A YAML syntax error, or YAML this parser does not accept, located by file and line.
public struct YAMLError: Error, CustomStringConvertible, Equatable {
    public let source: String
    public let line: Int
    public let message: String
    public var description: String { "\(source):\(line): \(message)" }
}

struct YAMLParser {
    struct Line {
        let number: Int
        var indent: Int
        /// The line after its indentation, comments included.
        var text: Substring
        var isBlank: Bool { text.isEmpty || text.first == "#" }
    }

    private var lines: [Line]
    private var pos = 0
    private let source: String

    init(text: String, source: String) {
        self.source = source
        var lines: [Line] = []
        // "\r\n" is one Character in Swift, so split on both.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)  // a byte order mark
        var raws = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if raws.count > 1, raws.last?.isEmpty == true { raws.removeLast() }  // the final newline
        for (i, raw) in raws.enumerated() {
            let line = raw.last == "\r" ? raw.dropLast() : raw
            let body = line.drop { $0 == " " }
            lines.append(Line(number: i + 1, indent: line.count - body.count, text: YAMLScalar.trimTrailing(body)))
        }
        self.lines = lines
    }

    private func fail(_ message: String, at line: Int? = nil) -> YAMLError {
        let number = line ?? (pos < lines.count ? lines[pos].number : (lines.last?.number ?? 1))
        return YAMLError(source: source, line: number, message: message)
    }

    private mutating func skipBlank() {
        while pos < lines.count, lines[pos].isBlank { pos += 1 }
    }

    /// The indentation of the next non-blank line, or nil at the end.
    private mutating func nextIndent() throws -> Int? {
        skipBlank()
        guard pos < lines.count else { return nil }
        if lines[pos].text.first == "\t" { throw fail("tabs cannot indent YAML") }
        return lines[pos].indent
    }

    mutating func parseDocument() throws -> JSON {
        skipBlank()
        if pos < lines.count, lines[pos].text.first == "%" { throw fail("YAML directives are not supported") }
        if pos < lines.count, isMarker(lines[pos], "---") {
            if !YAMLScalar.stripComment(lines[pos].text.dropFirst(3)).isEmpty {
                throw fail("content on the '---' line is not supported")
            }
            pos += 1
        }
        guard try nextIndent() != nil else { return .null }
        let root = try parseNode(parentIndent: -1)
        guard try nextIndent() != nil else { return root }
        if isMarker(lines[pos], "...") {
            pos += 1
            if try nextIndent() == nil { return root }
        }
        if isMarker(lines[pos], "---") { throw fail("multiple YAML documents are not supported") }
        throw fail("unexpected content (check the indentation)")
    }

    private func isMarker(_ line: Line, _ marker: String) -> Bool {
        line.indent == 0 && line.text.hasPrefix(marker) && (line.text.count == 3 || line.text.dropFirst(3).first == " ")
    }

    private func isDocumentMarker(_ line: Line) -> Bool { isMarker(line, "---") || isMarker(line, "...") }

    private func isSequenceItem(_ text: Substring) -> Bool {
        text.first == "-" && (text.count == 1 || text.dropFirst().first == " ")
    }

    /// Parses the block node that starts on the current (non-blank) line.
    private mutating func parseNode(parentIndent: Int) throws -> JSON {
        let line = lines[pos]
        if isSequenceItem(line.text) { return try parseSequence(indent: line.indent) }
        if try mappingEntry(line.text) != nil { return try parseMapping(indent: line.indent) }
        return try parseValue(line.text, ownerIndent: parentIndent)
    }

    private mutating func parseMapping(indent: Int) throws -> JSON {
        var object: [String: JSON] = [:]
        while let next = try nextIndent(), next >= indent, !isDocumentMarker(lines[pos]) {
            guard next == indent else { throw fail("unexpected indentation") }
            let line = lines[pos]
            guard let (key, rest) = try mappingEntry(line.text) else {
                throw fail(isSequenceItem(line.text) ? "a sequence item where a mapping key was expected"
                    : "expected 'key: value'")
            }
            if object[key] != nil { throw fail("duplicate key '\(key)'") }
            object[key] = try parseValue(rest, ownerIndent: indent, allowSequenceAtIndent: true)
        }
        return .object(object)
    }

    private mutating func parseSequence(indent: Int) throws -> JSON {
        var items: [JSON] = []
        while let next = try nextIndent(), next >= indent, !isDocumentMarker(lines[pos]) {
            guard next == indent else { throw fail("unexpected indentation") }
            let line = lines[pos]
            guard isSequenceItem(line.text) else { break }
            let afterDash = line.text.dropFirst()
            let rest = YAMLScalar.trimLeading(afterDash)
            var compact = !rest.isEmpty && rest.first != "#" && isSequenceItem(rest)
            if !rest.isEmpty && rest.first != "#" && !compact { compact = try mappingEntry(rest) != nil }
            if compact {
                // `- key: v` / `- - x`: the item is a block node indented at the text's column.
                lines[pos].indent = indent + 1 + (afterDash.count - rest.count)
                lines[pos].text = rest
                items.append(try parseNode(parentIndent: indent))
            } else {
                items.append(try parseValue(rest, ownerIndent: indent))
            }
        }
        return .array(items)
    }

    /// Splits `key: rest` (plain or quoted key); nil if the text is not a mapping entry.
    private func mappingEntry(_ text: Substring) throws -> (String, Substring)? {
        guard let first = text.first, !"-[{|>#".contains(first) || (first == "-" && !isSequenceItem(text)) else {
            return nil
        }
        if first == "?" && (text.count == 1 || text.dropFirst().first == " ") {
            throw fail("complex mapping keys are not supported")
        }
        if first == "\"" || first == "'" {
            var key = ""
            do {
                guard case .closed(let after) = try YAMLScalar.readQuoted(text.dropFirst(), quote: first, into: &key)
                else { return nil }
                let colon = YAMLScalar.trimLeading(after)
                guard colon.first == ":", colon.count == 1 || colon.dropFirst().first == " " else { return nil }
                return (key, colon.dropFirst())
            } catch let e as YAMLScalarError { throw fail(e.message) }
        }
        let uncommented = YAMLScalar.stripComment(text)
        var index = uncommented.startIndex
        while let colon = uncommented[index...].firstIndex(of: ":") {
            let after = uncommented.index(after: colon)
            if after == uncommented.endIndex || uncommented[after] == " " {
                let key = YAMLScalar.trimTrailing(uncommented[..<colon])
                guard !key.isEmpty else { throw fail("empty mapping key") }
                return (String(key), text[after...])
            }
            index = after
        }
        return nil
    }

    /// Parses the value after `key:` or `- ` (`rest`, on the current line) and moves past it.
    /// `ownerIndent` is the indentation of the key or dash; a nested block must be deeper, except a
    /// sequence under a mapping key, which may sit at the key's own indentation (kubectl's style).
    private mutating func parseValue(_ restOfLine: Substring, ownerIndent: Int, allowSequenceAtIndent: Bool = false)
        throws -> JSON
    {
        let rest = YAMLScalar.trimLeading(restOfLine)
        let lineNumber = lines[pos].number
        do {
            switch rest.first {
            case nil, "#":
                pos += 1
                guard let next = try nextIndent() else { return .null }
                if next > ownerIndent { return try parseNode(parentIndent: ownerIndent) }
                if next == ownerIndent, allowSequenceAtIndent, isSequenceItem(lines[pos].text) {
                    return try parseSequence(indent: ownerIndent)
                }
                return .null
            case "\"", "'":
                return try parseQuoted(rest, ownerIndent: ownerIndent)
            case "|", ">":
                pos += 1
                return .string(try YAMLBlockScalar.read(header: rest, lines: lines, pos: &pos, parentIndent: ownerIndent))
            case "[", "{":
                pos += 1
                return try YAMLScalar.flow(YAMLScalar.stripComment(rest))
            case "&", "*", "!", "@", "`", "%":
                throw YAMLScalarError("anchors, aliases, tags and reserved indicators are not supported")
            default:
                return try parsePlain(rest, ownerIndent: ownerIndent)
            }
        } catch let e as YAMLScalarError {
            throw fail(e.message, at: lineNumber)
        }
    }

    /// A plain scalar, folded over following lines that are indented deeper than its owner.
    private mutating func parsePlain(_ rest: Substring, ownerIndent: Int) throws -> JSON {
        var text = String(YAMLScalar.stripComment(rest))
        let firstLine = lines[pos].number
        pos += 1
        var blankRun = 0
        while pos < lines.count {
            let line = lines[pos]
            if line.text.isEmpty { blankRun += 1; pos += 1; continue }
            guard line.indent > ownerIndent, line.text.first != "#" else { break }
            text += blankRun > 0 ? String(repeating: "\n", count: blankRun) : " "
            text += YAMLScalar.stripComment(line.text)
            blankRun = 0
            pos += 1
        }
        if text.contains(": ") || text.hasSuffix(":") {
            throw fail("mapping values are not allowed here (quote the value)", at: firstLine)
        }
        return YAMLScalar.typed(text)
    }

    /// A quoted scalar, possibly folded over several lines; nothing but a comment may follow it.
    private mutating func parseQuoted(_ rest: Substring, ownerIndent: Int) throws -> JSON {
        let quote = rest.first!
        let firstLine = lines[pos].number
        var text = ""
        var read = try YAMLScalar.readQuoted(rest.dropFirst(), quote: quote, into: &text)
        while case .open(let escapedBreak) = read {
            pos += 1
            guard pos < lines.count else { throw fail("unterminated quoted scalar", at: firstLine) }
            if !escapedBreak {
                while text.last == " " || text.last == "\t" { text.removeLast() }
            }
            var blank = 0
            while pos < lines.count, lines[pos].text.isEmpty { blank += 1; pos += 1 }
            guard pos < lines.count else { throw fail("unterminated quoted scalar", at: firstLine) }
            if !escapedBreak { text += blank > 0 ? String(repeating: "\n", count: blank) : " " }
            read = try YAMLScalar.readQuoted(lines[pos].text, quote: quote, into: &text)
        }
        guard case .closed(let after) = read, YAMLScalar.stripComment(after).isEmpty else {
            throw fail("unexpected text after a quoted scalar")
        }
        pos += 1
        return .string(text)
    }
}
