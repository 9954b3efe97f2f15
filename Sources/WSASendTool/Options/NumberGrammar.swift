/// Whole decimal numbers, the building block of every numeric grammar.
public enum NumberGrammar {
    /// The value of a string of ASCII digits; nil for anything else (a sign, a space, an empty string).
    /// Values above `UInt64.max` saturate to `UInt64.max`, so that range checks report them as too large
    /// instead of as "not a number".
    public static func decimal(_ text: Substring) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? UInt64.max : sum
        }
        return value
    }

    /// A whole number within `range`; `what` names it in the error ("--count").
    public static func parse(
        _ text: String, what: String, in range: ClosedRange<UInt64>
    ) -> Result<UInt64, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a number (\(what))")) }
        if let error = ValueSign.error(text[...], what: what) { return .failure(error) }
        guard let value = decimal(text[...]) else { return .failure(.notANumber(text, what: what)) }
        guard range.contains(value) else {
            return .failure(.outOfRange(text, what: what, range: "\(range.lowerBound) to \(range.upperBound)"))
        }
        return .success(value)
    }
}
