import ArgumentParser
import Glibc
import WSASendTool

/// What main does with an error from ArgumentParser: help, `--version` and completion scripts go to
/// stdout with status 0; everything else is bad usage, one line `wsasend: <message>` with status 64 (and,
/// when `--json` or `--json-stream` was asked for, a JSON object on stdout so that it stays valid JSON).
enum UsageErrors {
    static func exit(for error: Error, arguments: [String]) -> Never {
        let commands = WSASendCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        if let topic = CommandLineWords.unknownHelpTopic(arguments, commands: commands) {
            let list = commands.dropLast().joined(separator: ", ") + " or " + (commands.last ?? "")
            fail("'\(topic)' is not a command: wsasend help takes \(list)", arguments: arguments)
        }
        if WSASendCommand.exitCode(for: error) == .success { WSASendCommand.exit(withError: error) }
        fail(sentence(WSASendCommand.message(for: reparsed(error, arguments))), arguments: arguments)
    }

    /// For `sink -1` and `codes -1`, which ArgumentParser calls an unknown option or a missing argument,
    /// the error of a second parse that hands the negative number to the value's grammar.
    static func reparsed(_ error: Error, _ arguments: [String]) -> Error {
        let message = WSASendCommand.message(for: error)
        guard message.contains("Unknown option '-") || message.contains("Missing expected argument"),
            let moved = CommandLineWords.negativeNumbersAsPositionals(arguments)
        else { return error }
        do {
            _ = try WSASendCommand.parseAsRoot(moved)
            return error
        } catch let second {
            return second
        }
    }

    /// One line on stderr (and the JSON object with `--json` or `--json-stream`), then exit 64.
    static func fail(_ message: String, arguments: [String]) -> Never {
        Console.standardError.line("wsasend: " + message)
        let options = arguments.prefix { $0 != "--" }
        if options.contains("--json") || options.contains("--json-stream") {
            failureObject(message, status: .usage, oneLine: !options.contains("--json"))
        }
        Glibc.exit(ExitStatus.usage.rawValue)
    }

    /// The JSON object of a failure before any run, on stdout: `{"exit_status": 64, "error": {...}}`, on
    /// one line for `--json-stream`.
    static func failureObject(_ message: String, status: ExitStatus, oneLine: Bool) {
        let object = JSONValue.object([
            ("exit_status", .int(Int64(status.rawValue))),
            ("error", .object([("message", .string(message))])),
        ])
        Console.standardOutput.line(oneLine ? object.renderedOnOneLine() : object.rendered())
    }

    /// ArgumentParser's message on one line, without its "Error: " prefix.
    static func sentence(_ message: String) -> String {
        var text = message.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        return text
    }
}
