/// The rate grammar of `--rate`: bits per second, a number with an optional fraction and an SI suffix
/// `k`, `M`, `G` (powers of 1000), such as `100M` or `1.5G`.
public enum RateGrammar {
    /// Parses a rate into bits per second.
    public static func parse(_ text: String) -> Result<UInt64, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a rate")) }
        let number = text.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
        let suffix = text[number.endIndex...]
        // No number at all ("-1M", "fast"): that, rather than a suffix of the whole text.
        guard !number.isEmpty else { return .failure(.notANumber(text, what: "a rate")) }
        let multiplier: Double
        switch suffix {
        case "": multiplier = 1
        case "k", "K": multiplier = 1e3
        case "m", "M": multiplier = 1e6
        case "g", "G": multiplier = 1e9
        default: return .failure(.unknownRateSuffix(text, suffix: String(suffix)))
        }
        guard number.first != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number) else {
            return .failure(.notANumber(text, what: "a rate"))
        }
        let bits = value * multiplier
        guard bits >= 1 else { return .failure(.outOfRange(text, what: "rate", range: "at least 1 bit/s")) }
        guard bits < 1e15 else { return .failure(.outOfRange(text, what: "rate", range: "below 1000T bit/s")) }
        return .success(UInt64(bits))
    }
}
