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

    /// The timeout of a bare `--drain`.
    public static let defaultDrainTimeout = "10s"

    /// `--drain [TIMEOUT]`: ArgumentParser has no option with an optional value, so a `--drain` without
    /// one becomes `--drain=10s` before the parse. The next word is the timeout unless there is none, it
    /// is an option (`-q`, `--json`; a negative number is a value, for the grammar to refuse), or it holds
    /// a `:` (a target is HOST:PORT; no duration has one). Words after a `--` are left alone.
    public static func drainWithDefault(_ arguments: [String]) -> [String] {
        var words: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                words += arguments[index...]
                break
            }
            words.append(word)
            if word == "--drain" {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                let isValue = next.map { !$0.contains(":") && (!$0.hasPrefix("-") || isNegativeNumber($0)) } ?? false
                if !isValue { words[words.count - 1] = "--drain=" + defaultDrainTimeout }
            }
            index += 1
        }
        return words
    }
}
