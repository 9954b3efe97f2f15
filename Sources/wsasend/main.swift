import ArgumentParser
import Glibc
import WSASendTool

// The process: signals, then the command tree; every exit status is decided here (DESIGN.md).
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
} catch let done as CommandExit {
    exit(done.status.rawValue)
} catch {
    UsageErrors.exit(for: error, arguments: arguments)
}
