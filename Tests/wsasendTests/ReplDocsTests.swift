import Foundation
import Testing

/// The manual's REPL section follows the REPL: its options, and the session's own `help`.
@Suite("REPL manual")
struct ReplDocsTests {
    @Test("Every option that repl --help lists appears in the manual")
    func options() throws {
        let help = try Tool.run(["repl", "--help"])
        #expect(help.status == 0)
        let options = DocsTests.options(inHelp: help.stdout)
        #expect(options.contains("--stop-on-error"))
        for option in options {
            let macro = option.hasPrefix("--") ? "Fl -" + option.dropFirst(2) : "Fl " + option.dropFirst()
            #expect(
                DocsTests.manual.contains(macro + "\n") || DocsTests.manual.contains(macro + " "),
                "\(option) not in man/wsasend.1")
        }
    }

    @Test("Each command's help in the session is the manual's, word for word")
    func commands() throws {
        let input = TemporaryFile(bytes: Data("help\n".utf8))
        let help = try Tool.run(["repl"], stdin: input.url)
        #expect(help.status == 0)
        let lines = help.stdout.split(separator: "\n").map(String.init)
        var entries = 0
        for (index, line) in lines.enumerated() where !line.hasPrefix(" ") && index + 1 < lines.count {
            guard lines[index + 1].hasPrefix("    ") else { continue }
            let usage = Self.roff(line).replacingOccurrences(of: "\"", with: "\\(dq")
            let summary = Self.roff(lines[index + 1].trimmingCharacters(in: .whitespaces))
            #expect(DocsTests.manual.contains(".It Li \"\(usage)\"\n\(summary)\n"), "\(line) not in man/wsasend.1")
            entries += 1
        }
        #expect(entries >= 24)
    }

    /// The text as a roff line writes it: a backslash is `\e`.
    static func roff(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e")
    }
}
