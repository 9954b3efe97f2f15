import Winsock

/// A JSON value with ordered object keys, so that reports print their fields in a fixed order.
///
/// Written by hand rather than with Foundation's encoder: the field order is part of the report's
/// readability, doubles need no locale, and the library stays free of Foundation.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// An array whose `count` elements are made one at a time, as they are written, and dropped after:
    /// a report of 10,000 connections never holds them all as values (about 1.4 KiB each). Written one
    /// element a line, as an array of objects is.
    case generated(count: Int, element: @Sendable (Int) -> JSONValue)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// The value as JSON text, indented by two spaces per level (arrays of numbers stay on one line).
    public func rendered(indent: Int = 0) -> String {
        var text = ""
        write(into: &text, indent: indent)
        return text
    }

    /// Writes the value as `rendered()` would make it, piece by piece, so that a stream that writes as it
    /// goes never holds the whole text.
    public func write(to output: inout some TextOutputStream) {
        write(into: &output, indent: 0)
    }

    private func write(into text: inout some TextOutputStream, indent: Int) {
        switch self {
        case .null: text.write("null")
        case .bool(let value): text.write(value ? "true" : "false")
        case .int(let value): text.write(String(value))
        case .uint(let value): text.write(String(value))
        case .double(let value): text.write(Self.number(value))
        case .string(let value): Self.quote(value, into: &text)
        case .generated(let count, let element):
            Self.writeLines(count: count, indent: indent, into: &text) { element($0) }
        case .array(let values):
            if values.isEmpty {
                text.write("[]")
            } else if values.allSatisfy(\.isScalar) {
                text.write("[" + values.map { $0.rendered() }.joined(separator: ", ") + "]")
            } else {
                Self.writeLines(count: values.count, indent: indent, into: &text) { values[$0] }
            }
        case .object(let fields):
            if fields.isEmpty {
                text.write("{}")
                return
            }
            text.write("{\n")
            for (offset, (key, value)) in fields.enumerated() {
                text.write(String(repeating: " ", count: indent + 2))
                Self.quote(key, into: &text)
                text.write(": ")
                value.write(into: &text, indent: indent + 2)
                text.write(offset == fields.count - 1 ? "\n" : ",\n")
            }
            text.write(String(repeating: " ", count: indent) + "}")
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object, .generated: false
        default: true
        }
    }

    /// An array of `count` elements, one a line; an empty one is `[]`.
    private static func writeLines(
        count: Int, indent: Int, into text: inout some TextOutputStream, element: (Int) -> JSONValue
    ) {
        guard count > 0 else {
            text.write("[]")
            return
        }
        text.write("[\n")
        for offset in 0..<count {
            text.write(String(repeating: " ", count: indent + 2))
            element(offset).write(into: &text, indent: indent + 2)
            text.write(offset == count - 1 ? "\n" : ",\n")
        }
        text.write(String(repeating: " ", count: indent) + "]")
    }

    /// JSON has no NaN or infinity: those become null. Whole values print without a fraction.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func quote(_ value: String, into text: inout some TextOutputStream) {
        // Most strings (addresses, names) need no escape: written as they are, without a copy.
        guard value.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) else {
            text.write("\"")
            text.write(value)
            text.write("\"")
            return
        }
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        text.write(escaped + "\"")
    }
}

extension JSONValue {
    /// An optional string, null when absent.
    static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// Seconds from nanoseconds.
    static func seconds(_ nanoseconds: UInt64) -> JSONValue { .double(Double(nanoseconds) / 1e9) }

    /// A Winsock code as the reports write it: `{"code": 10061, "name": "WSAECONNREFUSED"}`.
    static func error(_ code: Int32?) -> JSONValue {
        guard let code else { return .null }
        return .object([("code", .int(Int64(code))), ("name", .string(WSAError(code).name))])
    }
}
