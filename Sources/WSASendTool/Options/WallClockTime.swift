/// An instant on the wall clock (`--start-at`), in nanoseconds since the Unix epoch, UTC.
///
/// Read from RFC 3339 (`2026-12-06T16:00:00Z`, `2026-12-06T17:00:00.5+01:00`; `t` or a space for `T`,
/// `z` for `Z`) or from Unix seconds with an optional fraction (`1796572800`, `1796572800.25`), so that
/// a launcher script can write `--start-at $(( $(date +%s) + 30 ))`. Written back as RFC 3339 in UTC
/// with as many fraction digits as it needs; the reports write their start and end times so too.
public struct WallClockTime: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let nanosecondsSinceEpoch: UInt64

    public init(nanosecondsSinceEpoch: UInt64) { self.nanosecondsSinceEpoch = nanosecondsSinceEpoch }

    public static func < (a: WallClockTime, b: WallClockTime) -> Bool {
        a.nanosecondsSinceEpoch < b.nanosecondsSinceEpoch
    }

    /// The latest year either spelling may give: the nanoseconds of later instants overflow 64 bits (2554).
    static let latestYear: UInt64 = 2500

    public static func parse(_ text: String) -> Result<WallClockTime, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a time (RFC 3339 or Unix seconds)")) }
        if let error = ValueSign.error(text[...], what: "a time") { return .failure(error) }
        let value = text.contains("-") ? rfc3339(text) : unixSeconds(text)
        return value.map { .success($0) } ?? .failure(.badTime(text))
    }

    /// `SECONDS[.FRACTION]`, up to nine fraction digits.
    static func unixSeconds(_ text: String) -> WallClockTime? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seconds = NumberGrammar.decimal(parts[0]),
            seconds < days(toYear: latestYear) * 86_400
        else { return nil }
        var nanoseconds: UInt64 = 0
        if parts.count == 2 {
            guard let fraction = Self.fraction(parts[1]) else { return nil }
            nanoseconds = fraction
        }
        return WallClockTime(nanosecondsSinceEpoch: seconds * 1_000_000_000 + nanoseconds)
    }

    /// Nine digits or fewer after the point, as nanoseconds; nil for none, more, or anything not a digit.
    static func fraction(_ digits: Substring) -> UInt64? {
        guard (1...9).contains(digits.count), let value = NumberGrammar.decimal(digits) else { return nil }
        var scaled = value
        for _ in digits.count..<9 { scaled *= 10 }
        return scaled
    }

    /// `YYYY-MM-DDTHH:MM:SS[.F]` and `Z` or `+HH:MM` / `-HH:MM`.
    static func rfc3339(_ text: String) -> WallClockTime? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> UInt64? {
            NumberGrammar.decimal(Substring(decoding: bytes[range], as: UTF8.self))
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1970...latestYear).contains(year), (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var position = 19
        var nanoseconds: UInt64 = 0
        if bytes[position] == UInt8(ascii: ".") {
            let start = position + 1
            var end = start
            while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
            guard let fraction = fraction(Substring(decoding: bytes[start..<end], as: UTF8.self)) else { return nil }
            nanoseconds = fraction
            position = end
        }
        let zone = bytes[position...]
        var offsetSeconds: Int64 = 0
        if zone.elementsEqual([UInt8(ascii: "Z")]) || zone.elementsEqual([UInt8(ascii: "z")]) {
            offsetSeconds = 0
        } else {
            guard zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"),
                bytes[position + 3] == UInt8(ascii: ":"),
                let hours = number(position + 1..<position + 3), let minutes = number(position + 4..<position + 6),
                hours < 24, minutes < 60
            else { return nil }
            offsetSeconds = Int64(hours * 3600 + minutes * 60) * (zone.first == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = days(toYear: year) + daysBefore(month: month, year: year) + day - 1
        let local = Int64(days * 86_400 + hour * 3600 + minute * 60 + min(second, 59))
        let utc = local - offsetSeconds
        guard utc >= 0 else { return nil }
        return WallClockTime(nanosecondsSinceEpoch: UInt64(utc) * 1_000_000_000 + nanoseconds)
    }

    static func isLeap(_ year: UInt64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: UInt64, year: UInt64) -> UInt64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func daysBefore(month: UInt64, year: UInt64) -> UInt64 {
        (1..<month).reduce(0) { $0 + daysIn(month: $1, year: year) }
    }

    /// Days from 1970-01-01 to January 1st of `year`.
    static func days(toYear year: UInt64) -> UInt64 {
        (1970..<max(year, 1970)).reduce(0) { $0 + (isLeap($1) ? 366 : 365) }
    }

    /// RFC 3339 in UTC: `2026-12-06T16:00:00Z`, or with the fraction it has (`...00.25Z`).
    public var description: String {
        var seconds = nanosecondsSinceEpoch / 1_000_000_000
        let nanoseconds = nanosecondsSinceEpoch % 1_000_000_000
        var year: UInt64 = 1970
        while true {
            let length: UInt64 = (Self.isLeap(year) ? 366 : 365) * 86_400
            if seconds < length { break }
            seconds -= length
            year += 1
        }
        var month: UInt64 = 1
        while seconds >= Self.daysIn(month: month, year: year) * 86_400 {
            seconds -= Self.daysIn(month: month, year: year) * 86_400
            month += 1
        }
        let day = seconds / 86_400 + 1
        seconds %= 86_400
        func two(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text =
            "\(year)-\(two(month))-\(two(day))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if nanoseconds > 0 {
            var digits = String(nanoseconds)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.last == "0" { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }
}
