import DozeJSON

/// Why a secretTemplate cannot be rendered, at the line and column (1-based) of the action.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A place in the template, kept as a character offset until an error needs line and column.
struct TemplatePosition: Hashable {
    let offset: Int

    func error(_ message: String, in source: [Character]) -> TemplateError {
        var line = 1, column = 1
        for c in source[..<min(offset, source.count)] {
            if c == "\n" || c == "\r\n" { line += 1; column = 1 } else { column += 1 }
        }
        return TemplateError(line: line, column: column, message: message)
    }
}
