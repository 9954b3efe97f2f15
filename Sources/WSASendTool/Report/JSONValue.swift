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

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// The value as JSON text, indented by two spaces per level (arrays of numbers stay on one line).
    public func rendered(indent: Int = 0) -> String {
        var text = ""
        write(into: &text, indent: indent)
        return text
    }

    private func write(into text: inout String, indent: Int) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .int(let value): text += String(value)
        case .uint(let value): text += String(value)
        case .double(let value): text += Self.number(value)
        case .string(let value): Self.quote(value, into: &text)
        case .array(let values):
            if values.isEmpty {
                text += "[]"
            } else if values.allSatisfy(\.isScalar) {
                text += "[" + values.map { $0.rendered() }.joined(separator: ", ") + "]"
            } else {
                text += "[\n"
                for (offset, value) in values.enumerated() {
                    text += String(repeating: " ", count: indent + 2)
                    value.write(into: &text, indent: indent + 2)
                    text += offset == values.count - 1 ? "\n" : ",\n"
                }
                text += String(repeating: " ", count: indent) + "]"
            }
        case .object(let fields):
            if fields.isEmpty {
                text += "{}"
                return
            }
            text += "{\n"
            for (offset, (key, value)) in fields.enumerated() {
                text += String(repeating: " ", count: indent + 2)
                Self.quote(key, into: &text)
                text += ": "
                value.write(into: &text, indent: indent + 2)
                text += offset == fields.count - 1 ? "\n" : ",\n"
            }
            text += String(repeating: " ", count: indent) + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// JSON has no NaN or infinity: those become null. Whole values print without a fraction.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func quote(_ value: String, into text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
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
