/// Why a REPL line could not be read: one specific sentence each, and the session goes on.
///
/// A setting's value is checked by the command line's own grammar, so its error is that grammar's
/// (`.value`), word for word.
public enum ReplError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first word names no command.
    case unknownCommand(String)
    /// A command's required word is missing; `what` names it.
    case missingArgument(command: String, what: String)
    /// A word after everything the command takes.
    case extraArgument(command: String, word: String)
    /// A word that starts with `--` and is none of the command's options.
    case unknownOption(command: String, option: String)
    /// A word that is not one of the command's choices; `choices` lists them in prose.
    case badChoice(command: String, word: String, choices: String)
    /// A quoted string where the command takes only plain words.
    case quotedNotAllowed(command: String)
    /// A quote that is never closed.
    case unterminatedQuote
    /// A backslash escape other than \r \n \t \\ \" \xHH.
    case unknownEscape(String)
    /// `\x` without two hexadecimal digits.
    case badHexEscape(String)
    /// Text right after a closing quote, such as `"ab"cd`.
    case textAfterQuote(String)
    /// A quote inside a bare word, such as `ab"cd"`.
    case quoteInsideWord(String)
    /// `send hex` with something other than hexadecimal digits.
    case notHex(String)
    /// `send hex` with half a byte at the end.
    case oddHexDigits(String)
    /// An option given without the one it needs, such as `connect --no-connect` without `--udp`.
    case optionNeedsOther(command: String, option: String, other: String)
    /// A value the command line's grammar refused, with that grammar's own sentence.
    case value(GrammarError)

    /// The sentence, on one line whatever the line it quotes holds.
    public var description: String { sentence.escapingControlCharacters }

    private var sentence: String {
        switch self {
        case .unknownCommand(let word):
            return "'\(word)' is not a command: type help for the list"
        case .missingArgument(let command, let what):
            return "\(command) needs \(what): \(ReplHelp.usage(of: command))"
        case .extraArgument(let command, let word):
            return "'\(word)' is one word too many for \(command): \(ReplHelp.usage(of: command))"
        case .unknownOption(let command, let option):
            return "'\(option)' is not an option of \(command): \(ReplHelp.usage(of: command))"
        case .badChoice(let command, let word, let choices):
            return "'\(word)' is not a choice of \(command): use \(choices)"
        case .quotedNotAllowed(let command):
            return "\(command) takes plain words, not a quoted string: \(ReplHelp.usage(of: command))"
        case .unterminatedQuote:
            return "the quoted string is not closed: end it with \""
        case .unknownEscape(let escape):
            return "'\(escape)' is not an escape: use \\r, \\n, \\t, \\\\, \\\" or \\xHH"
        case .badHexEscape(let escape):
            return "'\(escape)' is not a byte: \\x takes two hexadecimal digits, such as \\x0a"
        case .textAfterQuote(let text):
            return "'\(text)' follows the closing quote: put a space between words"
        case .quoteInsideWord(let text):
            return "a quote follows '\(text)' inside a word: quote the whole word, or put a space before the quote"
        case .notHex(let text):
            return "'\(text)' is not hexadecimal bytes: use the digits 0-9 and a-f, two per byte, such as 47455420"
        case .oddHexDigits(let text):
            return "'\(text)' has an odd number of hexadecimal digits: each byte takes two"
        case .optionNeedsOther(let command, let option, let other):
            return "\(command) \(option) needs \(other): \(ReplHelp.usage(of: command))"
        case .value(let error):
            return error.description
        }
    }
}
