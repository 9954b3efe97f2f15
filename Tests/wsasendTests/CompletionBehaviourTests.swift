import Foundation
import Testing

/// The committed completion scripts, run in their shells: what a Tab offers after a command line.
///
/// bash is always there; zsh and fish are optional on a build machine, and their cases are skipped
/// (with that reason) where they are not installed.
@Suite("Completions in their shells")
struct CompletionBehaviourTests {
    /// A command line typed up to the Tab, and exactly the words the completion must offer.
    struct Case: Sendable, CustomTestStringConvertible {
        let line: String
        let offers: Set<String>
        var testDescription: String { "'\(line)<Tab>'" }
    }

    static let cases: [Case] = [
        // The default subcommand: no name typed (what ArgumentParser's scripts alone did not complete).
        Case(line: "wsasend --bu", offers: ["--buffers"]),
        Case(line: "wsasend 127.0.0.1:9 --co", offers: ["--count", "--connections", "--connect-timeout"]),
        Case(line: "wsasend 127.0.0.1:9 --mode ", offers: ["blocking", "nonblocking", "event", "routine"]),
        Case(line: "wsasend [::1]:9 --buffers 4x4096 --js", offers: ["--json", "--json-stream"]),
        // Named subcommands, and the subcommand names themselves.
        Case(line: "wsasend s", offers: ["send", "sink"]),
        Case(line: "wsasend send --mode ", offers: ["blocking", "nonblocking", "event", "routine"]),
        Case(line: "wsasend sink --o", offers: ["--once", "--output"]),
        Case(line: "wsasend sink 127.0.0.1:9 --o", offers: ["--once", "--output"]),
        Case(line: "wsasend send 127.0.0.1:9 --co", offers: ["--count", "--connections", "--connect-timeout"]),
        Case(line: "wsasend codes --j", offers: ["--json"]),
    ]

    static let scripts = DocsTests.root.appendingPathComponent("completions")

    static func installed(_ shell: String) -> Bool {
        ["/usr/bin", "/bin", "/usr/local/bin"].contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(shell)")
        }
    }

    static func check(_ offered: Set<String>, _ testCase: Case, shell: String) {
        #expect(offered == testCase.offers, "\(shell) offered \(offered.sorted())")
    }

    @Test("bash completes the line", arguments: cases)
    func bash(_ testCase: Case) throws {
        // bash's `complete -F` call, by hand: the words (split at spaces and, as COMP_WORDBREAKS does, at
        // colons), the cursor's word, then the function.
        let script = """
            source "$1"
            read -ra COMP_WORDS <<< "${2//:/ : }"
            [[ "$2" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="$2"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _wsasend wsasend "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let output = try Self.run(
            "/bin/bash",
            ["-c", script, "bash", Self.scripts.appendingPathComponent("wsasend.bash").path, testCase.line])
        Self.check(Set(output.split(separator: "\n").map(String.init)), testCase, shell: "bash")
    }

    @Test("fish completes the line", .enabled(if: installed("fish"), "fish is not installed"), arguments: cases)
    func fish(_ testCase: Case) throws {
        let output = try Self.run(
            "/usr/bin/env",
            [
                "fish", "-c", "source $argv[1]; complete -C $argv[2]",
                Self.scripts.appendingPathComponent("wsasend.fish").path, testCase.line,
            ])
        // fish prints `completion<Tab>description`.
        let offered = output.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        Self.check(Set(offered), testCase, shell: "fish")
    }

    @Test("zsh completes the line", .enabled(if: installed("zsh"), "zsh is not installed"), arguments: cases)
    func zsh(_ testCase: Case) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wsasend-zsh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: Self.scripts.appendingPathComponent("_wsasend"), to: directory.appendingPathComponent("_wsasend"))
        try Self.zshInit(fpath: directory.path).write(
            to: directory.appendingPathComponent("init.zsh"), atomically: true, encoding: .utf8)
        try Self.zshCapture.write(
            to: directory.appendingPathComponent("capture.zsh"), atomically: true, encoding: .utf8)
        let output = try Self.run(
            "/usr/bin/env",
            ["zsh", "-f", directory.appendingPathComponent("capture.zsh").path, directory.path, testCase.line])
        let offered = output.split(separator: "\n").filter { $0.hasPrefix("HIT ") }.map { String($0.dropFirst(4)) }
        Self.check(Set(offered), testCase, shell: "zsh")
    }

    /// An interactive zsh's set-up: compinit with the script on fpath, and a `compadd` that prints every
    /// match it is given (the way zsh-capture-completion reads what a Tab would offer).
    static func zshInit(fpath: String) -> String {
        """
        PROMPT=
        fpath=(\(fpath) $fpath)
        autoload -U compinit && compinit -u -D
        compadd () {
            if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
                builtin compadd "$@"
                return $?
            fi
            typeset -a hits
            builtin compadd -A hits "$@"
            local hit
            for hit in $hits; do print -r -- "<HIT>$hit</HIT>"; done
        }
        """
    }

    /// Types the line and a Tab into an interactive zsh on a pseudo-terminal (zpty) and prints the matches.
    static let zshCapture = """
        zmodload zsh/zpty
        zpty z zsh -f -i
        zpty -w z "source $1/init.zsh"
        zpty -w z "print READY"
        local line all=""
        while zpty -r z line; do [[ $line == *READY* && $line != *print* ]] && break; done
        zpty -w -n z "$2"$'\\t'
        integer i
        for i in {1..20}; do
            sleep 0.05
            while zpty -r -t z line; do all+="$line"; done
        done
        print -r -- "$all" | grep -o '<HIT>[^<]*</HIT>' | sed 's/<HIT>/HIT /; s/<\\/HIT>//'
        zpty -d z
        """

    /// Runs a shell and returns its standard output (the process must exit 0, within 30 s).
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["30", executable] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(
            process.terminationStatus == 0, "\(executable) \(arguments.first ?? "") exited \(process.terminationStatus)"
        )
        return String(decoding: data, as: UTF8.self)
    }
}
