/// How `recv` shows what came: as text when every byte is printable ASCII, a tab, CR or LF (one line per
/// line, the last newline dropped), else as a hex dump of 16 bytes a line with the printable ones beside.
public enum ReplBytesView {
    public static func lines(_ bytes: [UInt8]) -> [String] {
        if bytes.allSatisfy(isText) {
            // Split on the bytes: "\r\n" is one Character to Swift, so a String would not split at its "\n".
            var rows = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            if bytes.last == 0x0A { rows.removeLast() }
            return rows.map { row in String(decoding: row.last == 0x0D ? row.dropLast() : row, as: UTF8.self) }
        }
        var lines: [String] = []
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let row = bytes[start..<min(start + 16, bytes.count)]
            let hex = row.map { hexByte($0) }.joined(separator: " ")
            let shown = String(row.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." })
            let offset = String(start, radix: 16)
            lines.append(
                String(repeating: "0", count: max(0, 4 - offset.count)) + offset + "  "
                    + hex + String(repeating: " ", count: max(0, 47 - hex.count)) + "  " + shown)
        }
        return lines
    }

    private static func isText(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte < 0x7F) || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
