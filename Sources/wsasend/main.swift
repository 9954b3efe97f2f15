import ArgumentParser
import Glibc
import WSASendTool

// The process: signals, then the command tree; the process exits here, with the status each command
// decided (the exit statuses `--help` and the manual list).
Signals.install()
let arguments = CommandLineWords.drainWithDefault(Array(CommandLine.arguments.dropFirst()))
if let shell = DefaultCommandCompletion.requestedShell(arguments) {
    Console.standardOutput.line(DefaultCommandCompletion.script(for: shell))
    exit(ExitStatus.success.rawValue)
}
do {
    var command = try WSASendCommand.parseAsRoot(arguments)
    try command.run()
    exit(ExitStatus.success.rawValue)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    UsageErrors.exit(for: error, arguments: arguments)
}
