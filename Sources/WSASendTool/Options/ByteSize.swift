/// The size grammar: a whole number of bytes with an optional suffix. `K`, `M`, `G` and `KiB`, `MiB`,
/// `GiB` are powers of 1024; `KB`, `MB`, `GB` powers of 1000; `B` is bytes. Suffixes are read in any case.
public enum ByteSize {
    /// Parses a size of at most `limit` bytes.
    public static func parse(_ text: Substring, limit: UInt64 = UInt64(UInt32.max)) -> Result<UInt64, GrammarError> {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text[digits.endIndex...]
        guard !text.isEmpty else { return .failure(.empty(what: "a size")) }
        if let error = ValueSign.error(text, what: "a size") { return .failure(error) }
        guard let number = NumberGrammar.decimal(digits), !suffix.hasPrefix(".") else {
            return .failure(.notANumber(String(text), what: "a size"))
        }
        guard let multiplier = multiplier(for: suffix) else {
            return .failure(.unknownSizeSuffix(String(text), suffix: String(suffix)))
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes <= limit else { return .failure(.sizeTooLarge(String(text), limit: "\(limit) bytes")) }
        return .success(bytes)
    }

    /// The multiplier a suffix stands for; nil for an unknown suffix.
    static func multiplier(for suffix: Substring) -> UInt64? {
        switch suffix.lowercased() {
        case "", "b": 1
        case "k", "kib": 1 << 10
        case "m", "mib": 1 << 20
        case "g", "gib": 1 << 30
        case "kb": 1000
        case "mb": 1_000_000
        case "gb": 1_000_000_000
        default: nil
        }
    }
}
