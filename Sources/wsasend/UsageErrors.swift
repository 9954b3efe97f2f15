import ArgumentParser
import Glibc
import WSASendTool

/// What main does with an error from ArgumentParser: help, `--version` and completion scripts go to
/// stdout with status 0; everything else is bad usage, one line `wsasend: <message>` with status 64 (and,
/// when `--json` was asked for, a JSON object on stdout so that it stays valid JSON).
enum UsageErrors {
    static func exit(for error: Error, arguments: [String]) -> Never {
        if WSASendCommand.exitCode(for: error) == .success { WSASendCommand.exit(withError: error) }
        let message = sentence(WSASendCommand.message(for: error))
        Console.standardError.line("wsasend: " + message)
        if wantsJSON(arguments) {
            let object = JSONValue.object([
                ("exit_status", .int(Int64(ExitStatus.usage.rawValue))),
                ("error", .object([("message", .string(message))])),
            ])
            Console.standardOutput.line(object.rendered())
        }
        Glibc.exit(ExitStatus.usage.rawValue)
    }

    /// ArgumentParser's message on one line, without its "Error: " prefix.
    static func sentence(_ message: String) -> String {
        var text = message.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        return text
    }

    /// True when `--json` appears before a `--` that ends the options.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }
}
