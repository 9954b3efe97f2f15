import Histogram

/// HdrHistogram's standard compressed encoding, version 2: what its Java, C, Python and Go libraries
/// write and read, and what its log format carries (the "HISTFAA..." strings).
///
/// The plain form is a 40-byte big-endian header (cookie 0x1c849313, payload length, normalizing index
/// offset 0, significant digits, lowest discernible value, highest trackable value, the integer-to-double
/// ratio 1.0), then the counts slot by slot as ZigZag LEB128 numbers, a run of empty slots written as
/// its negative length. The compressed form is cookie 0x1c849314, the length of what follows, and the
/// plain form deflated by zlib. The reports carry it in base64.
public enum HistogramEncoding {
    static let plainCookie: UInt32 = 0x1c84_9313
    static let compressedCookie: UInt32 = 0x1c84_9314
    static let headerLength = 40
    /// A decoded histogram may hold no more than this (64 MiB plain: far more than any real one).
    static let plainLimit = 64 << 20

    /// `histogram` in the compressed V2 encoding, base64.
    public static func base64(_ histogram: Histogram<UInt64>) -> String {
        Base64.encode(compressed(histogram))
    }

    static func compressed(_ histogram: Histogram<UInt64>) -> [UInt8] {
        let packed = Zlib.deflate(plain(histogram))
        var bytes: [UInt8] = []
        append(compressedCookie, to: &bytes)
        append(UInt32(packed.count), to: &bytes)
        return bytes + packed
    }

    static func plain(_ histogram: Histogram<UInt64>) -> [UInt8] {
        let layout = HistogramLayout(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue,
            significantDigits: Int(histogram.numberOfSignificantValueDigits.rawValue))
        var payload: [UInt8] = []
        var nextIndex = 0
        for slot in histogram.recordedValues() {
            let index = layout.index(of: slot.value)
            let zeros = index - nextIndex
            if zeros == 1 { zigZag(0, into: &payload) } else if zeros > 1 { zigZag(-Int64(zeros), into: &payload) }
            zigZag(Int64(clamping: slot.count), into: &payload)
            nextIndex = index + 1
        }
        var bytes: [UInt8] = []
        append(plainCookie, to: &bytes)
        append(UInt32(payload.count), to: &bytes)
        append(UInt32(0), to: &bytes)
        append(UInt32(histogram.numberOfSignificantValueDigits.rawValue), to: &bytes)
        append(histogram.lowestDiscernibleValue, to: &bytes)
        append(histogram.highestTrackableValue, to: &bytes)
        append((1.0 as Double).bitPattern, to: &bytes)
        return bytes + payload
    }

    /// Why encoded text is not a histogram.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The histogram that base64 `text` in the compressed V2 encoding holds.
    public static func decode(base64 text: String) -> Result<Histogram<UInt64>, DecodingError> {
        guard let bytes = Base64.decode(text) else { return .failure(DecodingError("the histogram is not base64")) }
        return decode(compressed: bytes)
    }

    static func decode(compressed bytes: [UInt8]) -> Result<Histogram<UInt64>, DecodingError> {
        guard bytes.count >= 8, uint32(bytes, at: 0) == compressedCookie else {
            return .failure(DecodingError("the histogram is not in HdrHistogram's compressed V2 encoding"))
        }
        let length = Int(uint32(bytes, at: 4))
        guard length == bytes.count - 8, let plain = Zlib.inflate(Array(bytes[8...]), limit: plainLimit) else {
            return .failure(DecodingError("the histogram's compressed data is damaged or cut short"))
        }
        return decode(plain: plain)
    }

    static func decode(plain bytes: [UInt8]) -> Result<Histogram<UInt64>, DecodingError> {
        guard bytes.count >= headerLength, uint32(bytes, at: 0) == plainCookie else {
            return .failure(DecodingError("the inflated histogram has no V2 header"))
        }
        let payloadLength = Int(uint32(bytes, at: 4))
        let digits = Int(uint32(bytes, at: 12))
        let lowest = uint64(bytes, at: 16)
        let highest = uint64(bytes, at: 24)
        guard payloadLength == bytes.count - headerLength, uint32(bytes, at: 8) == 0,
            let significant = SignificantDigits(rawValue: Int8(clamping: digits)), digits <= 5,
            lowest >= 1, lowest <= UInt64.max / 4, lowest * 2 <= highest
        else { return .failure(DecodingError("the histogram's header is not one HdrHistogram writes")) }
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: significant)
        let layout = HistogramLayout(lowestDiscernibleValue: lowest, significantDigits: digits)
        var position = headerLength
        var index = 0
        while position < bytes.count {
            guard let count = readZigZag(bytes, at: &position) else {
                return .failure(DecodingError("the histogram's counts are cut short"))
            }
            if count < 0 {
                let (next, overflow) = index.addingReportingOverflow(Int(clamping: count.magnitude))
                guard !overflow else { return .failure(DecodingError("the histogram's counts run past its range")) }
                index = next
                continue
            }
            if count > 0 {
                // Recorded at the slot's highest value, as HdrHistogram's decoders report a slot.
                guard let value = layout.value(at: index), value <= highest,
                    histogram.totalCount <= UInt64.max - UInt64(count),
                    histogram.record(histogram.highestEquivalentForValue(value), count: UInt64(count))
                else { return .failure(DecodingError("the histogram's counts run past its range")) }
            }
            index += 1
        }
        return .success(histogram)
    }

    static func zigZag(_ value: Int64, into bytes: inout [UInt8]) {
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if rest < 0x80 {
                bytes.append(UInt8(rest))
                return
            }
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: rest))
    }

    /// One ZigZag LEB128 number of up to nine bytes (the ninth holds eight bits whole).
    static func readZigZag(_ bytes: [UInt8], at position: inout Int) -> Int64? {
        var raw: UInt64 = 0
        for byteIndex in 0..<9 {
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            position += 1
            if byteIndex == 8 {
                raw |= UInt64(byte) << 56
                break
            }
            raw |= UInt64(byte & 0x7F) << UInt64(7 * byteIndex)
            if byte & 0x80 == 0 { break }
        }
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func uint64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
