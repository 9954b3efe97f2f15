/// Values that begin with a dash. Numbers, sizes, durations, rates and flags take the next word whatever
/// it looks like (`--count -1`), so that the grammar, not the option parser, says what is wrong with it:
/// a negative number is a value below zero, and a word like `-q` or `--udp` is an option where a value
/// belongs (the option before it was given none).
enum ValueSign {
    /// The error for `text` when it begins with a dash; nil otherwise.
    ///
    /// - Parameter what: What the value is ("--count", "a rate"), for the negative-number sentence.
    static func error(_ text: Substring, what: String) -> GrammarError? {
        guard text.first == "-" else { return nil }
        let rest = text.dropFirst()
        if let next = rest.first, next.isASCII && next.isNumber || next == "." {
            return .negative(String(text), what: what)
        }
        return .optionNotValue(String(text))
    }
}
