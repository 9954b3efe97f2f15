/// Number formatting for the reports, without Foundation: thousands separators, fixed decimals, and
/// values with SI or binary units.
public enum Units {
    /// "1 call", "2 calls", with the count grouped.
    public static func count(_ value: UInt64, _ singular: String, _ plural: String) -> String {
        "\(grouped(value)) \(value == 1 ? singular : plural)"
    }

    /// "16,384,000".
    public static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }

    /// `value` with exactly `decimals` digits after the point ("12.10"); rounds half away from zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let integer = UInt64(scaled)
        let unit = UInt64(scale)
        var text = value < 0 && integer > 0 ? "-" : ""
        text += String(integer / unit)
        if decimals > 0 {
            let fraction = String(integer % unit)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// Three significant digits at most, no trailing zeros beyond them: "12.1", "1.33", "456".
    ///
    /// The decimals follow the value as it is printed, not as it came: 99.96 is "100", never "100.0",
    /// so that lines of one output never show one figure in two shapes.
    public static func significant(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        let decimals = magnitude >= 99.95 ? 0 : magnitude >= 9.995 ? 1 : 2
        return fixed(value, decimals: decimals)
    }

    /// Where a figure printed by `significant` reaches 1000 and takes the next unit: 999.5 prints as
    /// "1000", which is "1.00" of the next.
    static let nextUnit = 999.5

    /// A duration in nanoseconds with a unit that keeps it short: "850 ns", "12.1 us", "3.40 ms", "2.00 s".
    public static func duration(_ nanoseconds: Double) -> String {
        switch nanoseconds {
        case ..<nextUnit: return fixed(nanoseconds, decimals: 0) + " ns"
        case ..<(nextUnit * 1e3): return significant(nanoseconds / 1e3) + " us"
        case ..<(nextUnit * 1e6): return significant(nanoseconds / 1e6) + " ms"
        default: return fixed(nanoseconds / 1e9, decimals: 3) + " s"
        }
    }

    /// A count per second: whole and grouped from 100 up ("48,077"), three significant digits below.
    public static func perSecond(_ value: Double) -> String {
        value >= 99.95 && value < 9e18 ? grouped(UInt64(value.rounded())) : significant(value)
    }

    /// A rate with SI prefixes: "10.6 Gbit/s" for bits, "1.33 GB/s" for bytes.
    public static func rate(_ perSecond: Double, unit: String) -> String {
        let prefixes = ["", "k", "M", "G", "T", "P"]
        var value = perSecond
        var index = 0
        while abs(value) >= nextUnit && index < prefixes.count - 1 {
            value /= 1000
            index += 1
        }
        return significant(value) + " " + prefixes[index] + unit + "/s"
    }

    /// A byte count with a binary unit for sizes ("16 KiB"), exact when it is a whole number of them.
    public static func size(_ bytes: UInt64) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift {
            let value = Double(bytes) / Double(UInt64(1) << shift)
            return (bytes % (1 << shift) == 0 ? String(bytes >> shift) : significant(value)) + " " + unit
        }
        return "\(bytes) B"
    }
}
