import Foundation
import Testing

/// The manual and the shell completions follow the parser.
@Suite("Manual and completions")
struct DocsTests {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let manual = (try? String(contentsOf: root.appendingPathComponent("man/wsasend.1"), encoding: .utf8)) ?? ""

    /// The option names a help screen lists under OPTIONS: "--count", "-v".
    static func options(inHelp help: String) -> Set<String> {
        var names: Set<String> = []
        for line in help.split(separator: "\n") where line.hasPrefix("  -") {
            for word in line.split(separator: " ").prefix(2) {
                let option = word.hasSuffix(",") ? word.dropLast() : word
                if option.hasPrefix("-") { names.insert(String(option)) }
            }
        }
        return names
    }

    @Test(
        "Every option that --help lists appears in the manual",
        arguments: [
            ["help", "send"], ["sink", "--help"], ["codes", "--help"], ["demo", "--help"], ["merge", "--help"],
            ["--help"],
        ])
    func manualNamesEveryOption(helpArguments: [String]) throws {
        let help = try Tool.run(helpArguments)
        #expect(help.status == 0)
        let options = Self.options(inHelp: help.stdout)
        #expect(!options.isEmpty)
        for option in options {
            // mdoc writes --count as ".Fl -count" and -v as ".Fl v".
            let macro = option.hasPrefix("--") ? "Fl -" + option.dropFirst(2) : "Fl " + option.dropFirst()
            #expect(
                Self.manual.contains(macro + "\n") || Self.manual.contains(macro + " "),
                "\(option) not in man/wsasend.1")
        }
    }

    @Test("The manual lists every Winsock code the catalog has")
    func manualListsCodes() throws {
        let codes = try Tool.run(["codes", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: codes.stdoutData) as? [[String: Any]])
        #expect(entries.count > 50)
        for entry in entries {
            let line = ".It \(entry["code"] as? Int ?? -1) Ta Dv \(entry["name"] as? String ?? "?") Ta "
            #expect(Self.manual.contains(line), "\(line) missing")
        }
    }

    @Test("The manual has the sections a manual needs")
    func manualSections() {
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            #expect(Self.manual.contains(".Sh \(section)\n"), "missing \(section)")
        }
    }

    @Test(
        "groff -ww reads the manual without a warning",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/groff"), "groff is not installed"))
    func manualLint() throws {
        let process = Process()
        let errors = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/groff")
        process.arguments = ["-ww", "-mandoc", "-z", Self.root.appendingPathComponent("man/wsasend.1").path]
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: output, as: UTF8.self) == "")
    }

    @Test(
        "The committed completions are what the binary generates now (make completions regenerates them)",
        arguments: [("bash", "wsasend.bash"), ("zsh", "_wsasend"), ("fish", "wsasend.fish")])
    func completions(shell: String, file: String) throws {
        let generated = try Tool.run(["--generate-completion-script", shell])
        #expect(generated.status == 0)
        let committed = try String(contentsOf: Self.root.appendingPathComponent("completions/\(file)"), encoding: .utf8)
        #expect(generated.stdout == committed, "run 'make completions' and commit the result")
    }

    /// Files of the project's own notes, which are not in the repository: no reader has them.
    static let absentFiles = ["DESIGN.md", "BEHAVIOUR.md", "NOTES.md", "STYLE.md", "WSASend.txt"]

    @Test("The README and the manual cite no file the reader lacks")
    func documentsCiteNoAbsentFile() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for file in Self.absentFiles {
            #expect(!readme.contains(file), "README.md cites \(file)")
            #expect(!Self.manual.contains(file), "man/wsasend.1 cites \(file)")
        }
    }

    @Test(
        "codes cites the WSASend documentation by its published title, not a file",
        arguments: [["codes", "WSAEWOULDBLOCK"], ["codes", "--json"], ["codes"], ["help", "codes"]])
    func codesCiteTheTitle(arguments: [String]) throws {
        let outcome = try Tool.run(arguments)
        #expect(outcome.status == 0)
        for file in Self.absentFiles { #expect(!outcome.stdout.contains(file), "\(arguments) cites \(file)") }
        if arguments == ["codes", "WSAEWOULDBLOCK"] {
            #expect(outcome.stdout.contains("\"WSASend function (winsock2.h)\""))
        }
    }
}
