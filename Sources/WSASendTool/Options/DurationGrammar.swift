/// The duration grammar: a number with an optional fraction and a unit, `10s`, `500ms`, `2m`, `1.5s`;
/// units ns, us, ms, s, m, h. A bare number is seconds.
public enum DurationGrammar {
    /// Parses a duration into nanoseconds.
    ///
    /// - Parameter allowZero: True where 0 means "off" (`--interval 0`).
    public static func parse(_ text: String, allowZero: Bool = false) -> Result<UInt64, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a duration")) }
        let number = text.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
        let unit = text[number.endIndex...]
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !number.isEmpty, number != ".", !parts[0].isEmpty || parts.count == 2,
            parts.count == 1 || !parts[1].contains(".")
        else {
            return .failure(.badDuration(text))
        }
        guard let scale = nanoseconds(per: unit) else {
            return .failure(.unknownDurationUnit(text, unit: String(unit)))
        }
        let whole = parts[0].isEmpty ? 0 : NumberGrammar.decimal(parts[0])
        guard let whole else { return .failure(.badDuration(text)) }
        let (wholeNanoseconds, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return .failure(.durationTooLarge(text)) }
        var fractionNanoseconds: UInt64 = 0
        if parts.count == 2 {
            // Digits past nanosecond precision are dropped; 19 digits keep the arithmetic in UInt64.
            var place = scale
            for digit in parts[1].utf8.prefix(19) {
                place /= 10
                fractionNanoseconds += UInt64(digit - UInt8(ascii: "0")) * place
            }
        }
        let (total, overflow2) = wholeNanoseconds.addingReportingOverflow(fractionNanoseconds)
        guard !overflow2 else { return .failure(.durationTooLarge(text)) }
        guard total > 0 || allowZero else { return .failure(.zeroDuration(text)) }
        return .success(total)
    }

    static func nanoseconds(per unit: Substring) -> UInt64? {
        switch unit {
        case "ns": 1
        case "us", "µs": 1_000
        case "ms": 1_000_000
        case "", "s": 1_000_000_000
        case "m", "min": 60_000_000_000
        case "h": 3_600_000_000_000
        default: nil
        }
    }
}
