/// One word of a REPL line: a bare word, or a double-quoted string whose C escapes are already decoded
/// (so it is bytes, not text: `"\xff"` is one byte that no String holds).
public enum ReplToken: Sendable, Equatable {
    case word(String)
    case quoted([UInt8])

    /// The bare word, or nil for a quoted string.
    public var word: String? {
        if case .word(let text) = self { return text }
        return nil
    }

    /// The token as it would be typed: a word as it is, a quoted string quoted again with its control and
    /// non-ASCII bytes escaped, so that an error message naming it stays on one line and reading it back
    /// gives the same token.
    public var spelled: String {
        switch self {
        case .word(let text):
            return text
        case .quoted(let bytes):
            var text = "\""
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): text += "\\\""
                case UInt8(ascii: "\\"): text += "\\\\"
                case 13: text += "\\r"
                case 10: text += "\\n"
                case 9: text += "\\t"
                case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    let hex = String(byte, radix: 16)
                    text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                }
            }
            return text + "\""
        }
    }
}

/// Splits a REPL line into tokens.
///
/// Words are separated by spaces or tabs. A word that starts with `#` starts a comment, which runs to
/// the end of the line. A double-quoted string is one token whatever it holds, with the C escapes
/// `\r \n \t \\ \" \xHH` (two hexadecimal digits); any other backslash is an error rather than a guess,
/// so that what is sent is exactly what was meant.
public enum ReplTokenizer {
    public static func tokens(_ line: String) -> Result<[ReplToken], ReplError> {
        var tokens: [ReplToken] = []
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
            {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "#") { break }
            if byte == UInt8(ascii: "\"") {
                switch quoted(bytes, from: index + 1) {
                case .failure(let error): return .failure(error)
                case .success(let (value, end)):
                    if end < bytes.count && !isSpace(bytes[end]) {
                        return .failure(.textAfterQuote(String(decoding: bytes[end...], as: UTF8.self)))
                    }
                    tokens.append(.quoted(value))
                    index = end
                }
                continue
            }
            var end = index
            while end < bytes.count && !isSpace(bytes[end]) {
                if bytes[end] == UInt8(ascii: "\"") {
                    return .failure(.quoteInsideWord(String(decoding: bytes[index..<end], as: UTF8.self)))
                }
                end += 1
            }
            tokens.append(.word(String(decoding: bytes[index..<end], as: UTF8.self)))
            index = end
        }
        return .success(tokens)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    /// The bytes of a quoted string that starts after its opening quote, and the index after its closing one.
    private static func quoted(_ bytes: [UInt8], from start: Int) -> Result<([UInt8], Int), ReplError> {
        var value: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return .success((value, index + 1)) }
            guard byte == UInt8(ascii: "\\") else {
                value.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { return .failure(.unterminatedQuote) }
            let escape = bytes[index + 1]
            switch escape {
            case UInt8(ascii: "r"): value.append(13)
            case UInt8(ascii: "n"): value.append(10)
            case UInt8(ascii: "t"): value.append(9)
            case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
            case UInt8(ascii: "x"):
                let digits = bytes[(index + 2)..<min(index + 4, bytes.count)]
                guard digits.count == 2, let high = HexGrammar.digit(digits.first!),
                    let low = HexGrammar.digit(digits.last!)
                else {
                    let typed = bytes[(index + 2)..<min(index + 4, bytes.count)].prefix { $0 != UInt8(ascii: "\"") }
                    let shown = "\\x" + String(decoding: typed, as: UTF8.self)
                    return .failure(.badHexEscape(shown))
                }
                value.append(high << 4 | low)
                index += 4
                continue
            default:
                return .failure(.unknownEscape(String(decoding: bytes[index...(index + 1)], as: UTF8.self)))
            }
            index += 2
        }
        return .failure(.unterminatedQuote)
    }
}

/// Hexadecimal bytes, as `send hex 47455420` writes them.
public enum HexGrammar {
    /// The bytes of the words joined: an even number of hexadecimal digits in all (`4745 5420` is four bytes).
    ///
    /// - Parameter command: The command that reads them (`send` or `sendto`), for the error sentence.
    public static func bytes(_ words: [String], command: String = "send") -> Result<[UInt8], ReplError> {
        let text = words.joined()
        guard !text.isEmpty else {
            return .failure(.missingArgument(command: command + " hex", what: "hexadecimal bytes"))
        }
        var nibbles: [UInt8] = []
        for byte in text.utf8 {
            guard let value = digit(byte) else { return .failure(.notHex(text)) }
            nibbles.append(value)
        }
        guard nibbles.count % 2 == 0 else { return .failure(.oddHexDigits(text)) }
        return .success(stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] })
    }

    /// The value of one hexadecimal digit, in either case.
    static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
