/// The rate grammar of `--rate`: a number with an optional fraction, an optional SI prefix and an
/// optional unit, such as `100M`, `1.5G`, `100Mbit`, `100Mbps` or `12.5MB/s`.
///
/// The prefixes `k`, `M`, `G`, `T` are powers of 1000 and are read in either case (`100m` is 100
/// megabits, as it always was). The unit says bits or bytes, and there the case matters, as it does to
/// iperf3 users: none, `b`, `bit`, `bits`, `bps`, `b/s`, `bit/s`, `bits/s`, `bits/sec` are bits;
/// `B`, `Bps`, `B/s`, `byte/s`, `bytes/s`, `Bytes/sec` are bytes (eight bits each).
public enum RateGrammar {
    /// The units that mean bits per second.
    static let bitUnits: Set<Substring> = ["", "b", "bit", "bits", "bps", "b/s", "bit/s", "bits/s", "bits/sec"]
    /// The units that mean bytes per second.
    static let byteUnits: Set<Substring> = ["B", "Bps", "B/s", "byte/s", "bytes/s", "Bytes/s", "Bytes/sec"]

    /// Parses a rate into bits per second.
    public static func parse(_ text: String) -> Result<UInt64, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a rate")) }
        if let error = ValueSign.error(text[...], what: "a rate") { return .failure(error) }
        let number = text.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
        var suffix = text[number.endIndex...]
        // No number at all ("fast"): that, rather than a unit of the whole text.
        guard !number.isEmpty else { return .failure(.notANumber(text, what: "a rate")) }
        var multiplier = 1.0
        if let prefix = suffix.first, let scale = scale(of: prefix) {
            multiplier = scale
            suffix = suffix.dropFirst()
        }
        if byteUnits.contains(suffix) {
            multiplier *= 8
        } else if !bitUnits.contains(suffix) {
            return .failure(.unknownRateUnit(text, unit: String(text[number.endIndex...])))
        }
        guard number.first != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number) else {
            return .failure(.notANumber(text, what: "a rate"))
        }
        let bits = value * multiplier
        guard bits >= 1 else { return .failure(.outOfRange(text, what: "rate", range: "at least 1 bit/s")) }
        guard bits < 1e15 else { return .failure(.outOfRange(text, what: "rate", range: "below 1000 Tbit/s")) }
        return .success(UInt64(bits))
    }

    /// The power of 1000 a prefix letter stands for, in either case.
    static func scale(of prefix: Character) -> Double? {
        switch prefix {
        case "k", "K": 1e3
        case "m", "M": 1e6
        case "g", "G": 1e9
        case "t", "T": 1e12
        default: nil
        }
    }
}
