import Winsock

/// `wsasend codes`: the catalog as a table, or one code in full.
public enum CodesReport {
    /// Every code: number, name and Windows' short title.
    public static var table: String {
        let width = WSAErrorCatalog.all.map(\.name.count).max() ?? 20
        var lines = ["code   " + "name".padded(to: width) + "  meaning"]
        for info in WSAErrorCatalog.all {
            let number = String(info.code)
            lines.append(
                String(repeating: " ", count: max(0, 5 - number.count)) + number + "  " + info.name.padded(to: width)
                    + "  " + info.summary)
        }
        return lines.joined(separator: "\n")
    }

    /// One code in full: its name, number, title, meaning and where the meaning comes from: the error
    /// table of Microsoft's published page on WSASend, cited by its title, or Windows' list of codes.
    public static func entry(_ info: WSAErrorInfo) -> String {
        let source =
            info.fromSpec
            ? "the error table of \"WSASend function (winsock2.h)\" (Microsoft's documentation)"
            : "Windows' description of the code"
        return [
            "\(info.name) (\(info.code)): \(info.summary)",
            "",
            wrap(info.message, width: 78),
            "",
            "Meaning from \(source).",
        ].joined(separator: "\n")
    }

    /// The catalog as JSON: an array of {code, name, summary, message, from_spec}.
    public static var json: JSONValue { .array(WSAErrorCatalog.all.map(entryJSON)) }

    public static func entryJSON(_ info: WSAErrorInfo) -> JSONValue {
        .object([
            ("code", .int(Int64(info.code))), ("name", .string(info.name)), ("summary", .string(info.summary)),
            ("message", .string(info.message)), ("from_spec", .bool(info.fromSpec)),
        ])
    }

    /// Breaks `text` into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string with spaces after it up to `width` characters.
    func padded(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
