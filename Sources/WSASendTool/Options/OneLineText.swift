extension String {
    /// The text with its line breaks and other control characters written as escapes (`\n`, `\r`, `\x1b`),
    /// tabs kept: an error sentence that quotes what the user typed stays one line on standard error or
    /// after the REPL's prompt, and shows a typed control character instead of acting on the terminal.
    var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
            return self
        }
        var text = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
