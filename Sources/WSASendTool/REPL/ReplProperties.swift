/// What must hold for the REPL whatever lines it is given: the fuzzers' oracle for the REPL's two
/// grammars, through `GrammarProperties`.
///
/// A line either reads as a command or gets one refusal on one line; a line's words written back
/// (`ReplToken.spelled`) read as the same words and the same command. A session without a socket runs
/// its settings commands whatever their values: each prints whole lines, a setting is applied as read,
/// `settings` prints values that read back as the settings, and `stats --json` is JSON that reads back.
enum ReplProperties {
    /// One line through the tokenizer and the grammar.
    static func lineViolation(_ line: String) -> String? {
        let parsed = ReplGrammar.parse(line)
        if case .failure(let error) = parsed, let broken = GrammarProperties.sentenceViolation(error.description) {
            return broken
        }
        guard case .success(let tokens) = ReplTokenizer.tokens(line) else { return nil }
        let respelled = tokens.map(\.spelled).joined(separator: " ")
        guard case .success(let again) = ReplTokenizer.tokens(respelled), again == tokens else {
            return "the words \(tokens) written back as \(String(reflecting: respelled)) read differently"
        }
        let reparsed = ReplGrammar.parse(respelled)
        guard reparsed == parsed else {
            return "the line written back as \(String(reflecting: respelled)) reads as \(reparsed), not \(parsed)"
        }
        return nil
    }

    /// Lines (one per input line) run by a session that has no socket; commands that would open one or
    /// send (connect, listen, send, recv, a timed wait) are read but not run.
    static func sessionViolation(_ text: String) -> String? {
        let session = ReplSession(settings: ReplSettings(), interrupt: ReplInterrupt())
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard case .success(let command) = ReplGrammar.parse(String(line)), runsWithoutSocket(command) else {
                continue
            }
            var expected = session.settings
            if case .set(let setting) = command { expected.apply(setting) }
            var printed: [String] = []
            let outcome = session.run(command) { printed.append($0) }
            if let broken = printed.first(where: GrammarProperties.breaksLine) {
                return "\(command) printed a line with a line break: \(String(reflecting: broken))"
            }
            if !outcome.succeeded {
                guard let error = outcome.error else { return "\(command) failed without a sentence" }
                if let broken = GrammarProperties.sentenceViolation(error) { return broken }
            }
            switch command {
            case .set(let setting):
                guard outcome.succeeded, session.settings == expected else {
                    return "\(setting) without a socket left the settings \(session.settings), not \(expected)"
                }
            case .settings:
                if let broken = settingsReadBack(printed, session.settings) { return broken }
            case .stats(json: true):
                guard let report = outcome.report else { return "stats --json gave no report" }
                guard printed == [report.renderedOnOneLine()] else { return "stats --json printed \(printed)" }
                if let broken = MergeProperties.readsBack(report) { return broken }
            default:
                break
            }
        }
        return nil
    }

    /// The commands a session runs without a socket and without waiting.
    private static func runsWithoutSocket(_ command: ReplCommand) -> Bool {
        switch command {
        case .connect, .listen, .send, .sendBytes, .recv: false
        case .wait(let timeout): timeout == nil
        default: true
        }
    }

    /// `settings` prints one line per setting, named as the command that sets it; the values the
    /// grammar can read back (all but the sizes and times, which it prints for people) give the same settings.
    private static func settingsReadBack(_ lines: [String], _ settings: ReplSettings) -> String? {
        for line in lines {
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count >= 2 else { return "settings printed \(String(reflecting: line))" }
            guard ["buffers", "flags", "mode", "outstanding", "nodelay"].contains(words[0]) else { continue }
            guard case .success(.set(let setting)) = ReplGrammar.parse("\(words[0]) \(words[1])") else {
                return "the settings line \(String(reflecting: line)) does not read back as a command"
            }
            var again = settings
            again.apply(setting)
            guard again == settings else {
                return "the settings line \(String(reflecting: line)) reads back as \(setting)"
            }
        }
        return nil
    }
}
