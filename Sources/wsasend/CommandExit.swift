import WSASendTool

/// Thrown by a command after it has printed what it had to print: main exits with the status.
struct CommandExit: Error {
    let status: ExitStatus

    init(_ status: ExitStatus) { self.status = status }
}
