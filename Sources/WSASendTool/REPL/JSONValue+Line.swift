extension JSONValue {
    /// The value as JSON on one line, for one-object-a-line output (NDJSON, `wsasend repl --json`).
    public func renderedOnOneLine() -> String {
        var text = ""
        writeOnOneLine(into: &text)
        return text
    }

    private func writeOnOneLine(into text: inout String) {
        switch self {
        case .array(let values):
            text += "["
            for (offset, value) in values.enumerated() {
                if offset > 0 { text += "," }
                value.writeOnOneLine(into: &text)
            }
            text += "]"
        case .generated(let count, let element):
            text += "["
            for offset in 0..<count {
                if offset > 0 { text += "," }
                element(offset).writeOnOneLine(into: &text)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            for (offset, (key, value)) in fields.enumerated() {
                if offset > 0 { text += "," }
                Self.quote(key, into: &text)
                text += ":"
                value.writeOnOneLine(into: &text)
            }
            text += "}"
        default:
            text += rendered()
        }
    }
}
