import Winsock

/// Runs REPL lines one after another: reads each with `ReplGrammar`, runs it in the session, prints
/// its lines (or, with `--json`, one JSON object per command), and keeps the script's exit status.
/// Where the lines come from (a terminal through readline, or a piped script) is the executable's
/// business.
public final class ReplDriver {
    /// How the lines are run: `wsasend repl`'s options.
    public struct Options: Sendable {
        /// Print each line before its result (scripts).
        public var echo = false
        /// Stop at the first failing command.
        public var stopOnError = false
        /// One JSON object per command on standard output.
        public var json = false
        /// True when a person types the lines: errors carry no line number, the exit status is 0.
        public var interactive = false

        public init() {}
    }

    public let session: ReplSession
    let options: Options
    let output: (String) -> Void
    let errors: (String) -> Void
    private var lineNumber = 0
    private var failed = false
    private var malformed = false

    /// - Parameters:
    ///   - output: Writes one line on standard output.
    ///   - errors: Writes one line on standard error.
    public init(
        session: ReplSession, options: Options, output: @escaping (String) -> Void,
        errors: @escaping (String) -> Void
    ) {
        self.session = session
        self.options = options
        self.output = output
        self.errors = errors
    }

    /// The session's exit status: 0 when every command succeeded, 1 otherwise, 64 when
    /// `--stop-on-error` stopped at a malformed line; 0 for an interactive session.
    public var exitStatus: ExitStatus {
        if options.interactive { return .success }
        if malformed && options.stopOnError { return .usage }
        return failed ? .failure : .success
    }

    /// Runs one line; false when the session should end (`quit`, or a failure under `--stop-on-error`).
    ///
    /// - Parameter remember: False for a line the user did not type (the target given on the command line).
    public func handle(_ line: String, remember: Bool = true) -> Bool {
        if remember { lineNumber += 1 }
        let trimmed = line.trimmingWhitespace
        if remember && !trimmed.isEmpty && !trimmed.hasPrefix("#") && session.history.last != trimmed {
            session.history.append(trimmed)
        }
        if options.echo && !options.json && !trimmed.isEmpty && remember { output(session.prompt + trimmed) }
        switch ReplGrammar.parse(line) {
        case .failure(let error):
            failed = true
            malformed = true
            report(line: trimmed, name: nil, lines: [], outcome: .failure(error.description))
            return !options.stopOnError
        case .success(.nothing):
            return true
        case .success(let command):
            var lines: [String] = []
            let outcome = session.run(command) { text in
                if options.json { lines.append(text) } else { output(text) }
            }
            if !outcome.succeeded { failed = true }
            report(
                line: trimmed, name: trimmed.split(separator: " ").first.map(String.init), lines: lines,
                outcome: outcome)
            if outcome.quit { return false }
            return outcome.succeeded || !options.stopOnError
        }
    }

    /// The end of the lines (Ctrl-D, the end of a script): closes the socket and prints the stats.
    public func finish() {
        var lines: [String] = []
        let outcome = session.finish { text in
            if options.json { lines.append(text) } else { output(text) }
        }
        if options.json && (!lines.isEmpty || !outcome.completions.isEmpty) {
            report(line: "", name: "end", lines: lines, outcome: outcome)
        }
    }

    private func report(line: String, name: String?, lines: [String], outcome: ReplOutcome) {
        if let error = outcome.error {
            errors("wsasend: " + (options.interactive || lineNumber == 0 ? "" : "line \(lineNumber): ") + error)
        }
        guard options.json else { return }
        var fields: [(String, JSONValue)] = [
            ("line", .string(line)),
            ("command", name.map { .string($0) } ?? .null),
            ("ok", .bool(outcome.succeeded)),
            ("output", .array(lines.map { .string($0) })),
            (
                "calls",
                .array(
                    outcome.calls.map { call in
                        var entry: [(String, JSONValue)] = []
                        if let id = call.id { entry.append(("id", .uint(id))) }
                        entry.append(("return", .int(Int64(call.returnValue))))
                        entry.append(("code", .int(Int64(call.code))))
                        entry.append(("name", call.code == 0 ? .null : .string(WSAError(call.code).name)))
                        entry.append(("bytes", .uint(call.bytes)))
                        return .object(entry)
                    })
            ),
            (
                "completions",
                .array(
                    outcome.completions.map {
                        .object([
                            ("id", .uint($0.id)), ("code", .int(Int64($0.code))),
                            ("name", $0.code == 0 ? .null : .string(WSAError($0.code).name)),
                            ("bytes", .uint($0.bytes)),
                        ])
                    })
            ),
        ]
        if let report = outcome.report { fields.append(("report", report)) }
        fields.append(("error", outcome.error.map { .string($0) } ?? .null))
        output(JSONValue.object(fields).renderedOnOneLine())
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
