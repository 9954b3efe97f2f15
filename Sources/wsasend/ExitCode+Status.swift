import ArgumentParser
import WSASendTool

extension ExitCode {
    /// The status a command decided, thrown after it has printed what it had to print; main exits with it.
    init(_ status: ExitStatus) { self.init(status.rawValue) }
}
