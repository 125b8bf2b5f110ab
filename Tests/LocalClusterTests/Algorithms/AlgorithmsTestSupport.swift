import DozeJSON

/// Parses a JSON literal written in a test; a typo there is a bug in the test, so it traps.
func j(_ text: String) -> JSON {
    do { return try JSON(parsing: text) } catch { fatalError("bad JSON in test: \(error): \(text)") }
}
