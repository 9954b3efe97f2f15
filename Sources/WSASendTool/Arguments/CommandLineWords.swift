/// Words of a command line that ArgumentParser misreads, found before or after it parses.
public enum CommandLineWords {
    /// True for a word that is a negative number (`-1`, `-1.5`), which no option of the tool spells.
    static func isNegativeNumber(_ word: String) -> Bool {
        guard word.first == "-", let next = word.dropFirst().first else { return false }
        return next.isASCII && next.isNumber || next == "."
    }

    /// `sink -1`, `codes -1`: ArgumentParser takes a negative number where a positional value goes for an
    /// option, and says "Unknown option '-1'" or that the value is missing. The same words with each
    /// negative number moved after a `--` (which ends the options), so that a second parse hands it to
    /// the value's own grammar and the message says what is wrong with it; nil when there is none to move
    /// or the line already has a `--`.
    public static func negativeNumbersAsPositionals(_ arguments: [String]) -> [String]? {
        guard !arguments.contains("--") else { return nil }
        let numbers = arguments.filter(isNegativeNumber)
        guard !numbers.isEmpty else { return nil }
        return arguments.filter { !isNegativeNumber($0) } + ["--"] + numbers
    }

    /// `wsasend help TOPIC` with a topic that is no command: the word; nil otherwise (ArgumentParser
    /// would print the top-level help and exit 0).
    public static func unknownHelpTopic(_ arguments: [String], commands: [String]) -> String? {
        guard arguments.count >= 2, arguments[0] == "help", !arguments[1].hasPrefix("-") else { return nil }
        return commands.contains(arguments[1]) ? nil : arguments[1]
    }
}
