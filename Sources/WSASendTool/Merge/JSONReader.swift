/// Reads JSON text into `JSONValue`s: a whole document, or several one after another (NDJSON, or reports
/// concatenated by `cat`), for `merge`. Written by hand, as `JSONValue` is, to keep the library free of
/// Foundation; nesting is bounded so that hostile input cannot exhaust the stack.
public struct JSONReader {
    /// Why text is not JSON, and where.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "not JSON: \(reason) at byte \(offset)" }
    }

    static let deepest = 64

    private let bytes: [UInt8]
    private var position = 0

    private init(_ text: [UInt8]) { bytes = text }

    /// Every value in `text`, in order, separated by white space.
    public static func values(_ text: [UInt8]) -> Result<[JSONValue], ReadError> {
        var reader = JSONReader(text)
        var values: [JSONValue] = []
        do {
            while true {
                reader.skipSpace()
                if reader.position == reader.bytes.count { return .success(values) }
                values.append(try reader.value(depth: 0))
            }
        } catch {
            return .failure(error)
        }
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private func fail(_ reason: String) -> ReadError { ReadError(offset: position, reason: reason) }

    private mutating func value(depth: Int) throws(ReadError) -> JSONValue {
        guard depth < Self.deepest else { throw fail("nesting deeper than \(Self.deepest)") }
        skipSpace()
        guard position < bytes.count else { throw fail("the text ends where a value belongs") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(ReadError) -> JSONValue {
        let spelled = Array(word.utf8)
        guard bytes.count - position >= spelled.count, Array(bytes[position..<position + spelled.count]) == spelled
        else { throw fail("an unknown word") }
        position += spelled.count
        return value
    }

    private mutating func object(depth: Int) throws(ReadError) -> JSONValue {
        position += 1
        var fields: [(String, JSONValue)] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(fields)
        }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw fail(position < bytes.count ? "a key must be a string" : "the text ends inside an object")
            }
            let key = try string()
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("':' expected") }
            position += 1
            fields.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard position < bytes.count else { throw fail("the text ends inside an object") }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(fields)
            }
            guard bytes[position] == UInt8(ascii: ",") else { throw fail("',' or '}' expected") }
            position += 1
        }
    }

    private mutating func array(depth: Int) throws(ReadError) -> JSONValue {
        position += 1
        var values: [JSONValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(values)
        }
        while true {
            values.append(try value(depth: depth + 1))
            skipSpace()
            guard position < bytes.count else { throw fail("the text ends inside an array") }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(values)
            }
            guard bytes[position] == UInt8(ascii: ",") else { throw fail("',' or ']' expected") }
            position += 1
        }
    }

    private mutating func string() throws(ReadError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard bytes.count - position >= 4,
                        let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                    else { throw fail("a bad \\u escape") }
                    position += 4
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: throw fail("an unknown escape")
                }
            case 0..<0x20:
                throw fail("a control character inside a string")
            default:
                run.append(byte)
            }
        }
        throw fail("the text ends inside a string")
    }

    private mutating func number() throws(ReadError) -> JSONValue {
        let start = position
        while position < bytes.count,
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
                || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")]
                    .contains(bytes[position])
        {
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !text.isEmpty else { throw fail("an unexpected character") }
        if let value = UInt64(text) { return .uint(value) }
        if let value = Int64(text) { return .int(value) }
        if let value = Double(text), value.isFinite { return .double(value) }
        position = start
        throw fail("'\(text)' is not a number")
    }
}

extension JSONValue {
    /// The field named `key` of an object; nil for a missing field or a value that is no object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A whole number that is not negative.
    public var uintValue: UInt64? {
        switch self {
        case .uint(let value): value
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .uint(let value): Double(value)
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }
}
