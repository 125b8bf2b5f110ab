/// `|` (literal) and `>` (folded) block scalars, with `-`/`+` chomping and an optional
/// indentation indicator. The lines are those following the header line.
enum YAMLBlockScalar {
    static func read(header: Substring, lines: [YAMLParser.Line], pos: inout Int, parentIndent: Int) throws
        -> String
    {
        let literal = header.first == "|"
        var chomping: Character = "="
        var explicitIndent: Int? = nil
        var rest = header.dropFirst()
        while let c = rest.first, c == "-" || c == "+" || ("1"..."9").contains(c) {
            if let digit = c.wholeNumberValue { explicitIndent = digit } else { chomping = c }
            rest = rest.dropFirst()
        }
        guard YAMLScalar.stripComment(rest).isEmpty else {
            throw YAMLScalarError("unexpected text after a block scalar header")
        }
        let body = collect(lines, pos: &pos, contentIndent: explicitIndent.map { max(parentIndent, 0) + $0 },
                           parentIndent: parentIndent)
        var content = body
        var trailing = 0
        while content.last == "" { content.removeLast(); trailing += 1 }
        var text = literal ? content.joined(separator: "\n") : fold(content)
        switch chomping {
        case "-": break
        case "+": text += String(repeating: "\n", count: (content.isEmpty ? 0 : 1) + trailing)
        default: if !content.isEmpty { text += "\n" }
        }
        return text
    }

    /// The block's lines with the content indentation removed; blank lines as "".
    private static func collect(_ lines: [YAMLParser.Line], pos: inout Int, contentIndent: Int?,
                                parentIndent: Int) -> [String]
    {
        var indent = contentIndent
        var out: [String] = []
        while pos < lines.count {
            let line = lines[pos]
            if line.text.isEmpty { out.append(""); pos += 1; continue }
            if indent == nil {
                guard line.indent > parentIndent else { break }
                indent = line.indent
            }
            guard let indent, line.indent >= indent else { break }
            out.append(String(repeating: " ", count: line.indent - indent) + line.text)
            pos += 1
        }
        return out
    }

    /// Folding: a single line break between two ordinary lines becomes a space; each blank line
    /// is a newline; breaks around more-indented lines are kept.
    private static func fold(_ lines: [String]) -> String {
        var text = ""
        var previous: String? = nil
        var blanks = 0
        for line in lines {
            if line.isEmpty { blanks += 1; continue }
            if let p = previous {
                let ordinary = !p.hasPrefix(" ") && !line.hasPrefix(" ")
                text += ordinary && blanks == 0 ? " " : String(repeating: "\n", count: blanks + (ordinary ? 0 : 1))
            } else {
                text += String(repeating: "\n", count: blanks)
            }
            text += line
            previous = line
            blanks = 0
        }
        return text
    }
}
