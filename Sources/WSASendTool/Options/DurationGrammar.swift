/// The duration grammar: one or more parts, each a number with an optional fraction and a unit, such as
/// `10s`, `500ms`, `1.5s` or `1h30m`; units ns, us, ms, s, m (or min), h. A bare number, alone, is
/// seconds (`--duration 10`, as iperf3's `-t 10`); in a value of several parts every part has its unit.
public enum DurationGrammar {
    /// The shortest `--interval` between progress lines: shorter ones would be more lines than a reader
    /// (or a terminal) takes, and each one costs the run a formatted line.
    public static let shortestInterval: UInt64 = 10_000_000

    /// Parses a duration into nanoseconds.
    ///
    /// - Parameters:
    ///   - allowZero: True where 0 means "off" (`--interval 0`).
    ///   - what: What the value is, for the negative-number sentence.
    public static func parse(
        _ text: String, allowZero: Bool = false, what: String = "a duration"
    ) -> Result<UInt64, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a duration")) }
        if let error = ValueSign.error(text[...], what: what) { return .failure(error) }
        var rest = text[...]
        var total: UInt64 = 0
        var parts = 0
        while !rest.isEmpty {
            let number = rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
            let unit = rest[number.endIndex...].prefix { !(($0.isASCII && $0.isNumber) || $0 == ".") }
            rest = rest[unit.endIndex...]
            parts += 1
            guard !number.isEmpty else { return .failure(.badDuration(text)) }
            if unit.isEmpty && (parts > 1 || !rest.isEmpty) { return .failure(.durationPartWithoutUnit(text)) }
            guard let scale = nanoseconds(per: unit) else {
                return .failure(.unknownDurationUnit(text, unit: String(unit)))
            }
            switch part(number, scale: scale, text: text) {
            case .success(let value):
                let (sum, overflow) = total.addingReportingOverflow(value)
                guard !overflow else { return .failure(.durationTooLarge(text)) }
                total = sum
            case .failure(let error): return .failure(error)
            }
        }
        guard total > 0 || allowZero else { return .failure(.zeroDuration(text)) }
        return .success(total)
    }

    /// `--interval`: a duration of at least `shortestInterval`, or 0 for no progress lines.
    public static func parseInterval(_ text: String) -> Result<UInt64, GrammarError> {
        parse(text, allowZero: true).flatMap { value in
            value == 0 || value >= shortestInterval
                ? .success(value) : .failure(.intervalTooShort(text, minimum: "10ms"))
        }
    }

    /// One number (`1.5`) times its unit's nanoseconds.
    private static func part(_ number: Substring, scale: UInt64, text: String) -> Result<UInt64, GrammarError> {
        let pieces = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard number != ".", pieces.count == 1 || !pieces[1].contains(".") else {
            return .failure(.badDuration(text))
        }
        guard let whole = pieces[0].isEmpty ? 0 : NumberGrammar.decimal(pieces[0]) else {
            return .failure(.badDuration(text))
        }
        let (wholeNanoseconds, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return .failure(.durationTooLarge(text)) }
        var fractionNanoseconds: UInt64 = 0
        if pieces.count == 2 {
            // Digits past nanosecond precision are dropped; 19 digits keep the arithmetic in UInt64.
            var place = scale
            for digit in pieces[1].utf8.prefix(19) {
                place /= 10
                fractionNanoseconds += UInt64(digit - UInt8(ascii: "0")) * place
            }
        }
        let (sum, overflow2) = wholeNanoseconds.addingReportingOverflow(fractionNanoseconds)
        return overflow2 ? .failure(.durationTooLarge(text)) : .success(sum)
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
