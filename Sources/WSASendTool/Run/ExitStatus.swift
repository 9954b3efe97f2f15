/// The tool's exit statuses (listed in `--help`, the manual and the README). The library only computes
/// them; the executable exits.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Every call succeeded.
    case success = 0
    /// At least one call or connection failed; the report says which code.
    case failure = 1
    /// Bad usage: an option, a value, the grammar.
    case usage = 64
    /// Input data that is not what it claims (`merge` of a file that is no wsasend report).
    case dataError = 65
    /// An input file cannot be read.
    case noInput = 66
    /// The host cannot be resolved.
    case noHost = 68
    /// No connection could be made.
    case unavailable = 69
    /// An internal error (WSAStartup, a thread that could not start).
    case software = 70
    /// An output file cannot be created (the sink's `--output`).
    case cannotCreate = 73
    /// Interrupted by SIGINT, after the partial report.
    case interrupted = 130
    /// Ended by SIGTERM (`timeout`), after the partial report.
    case terminated = 143
    /// Ended by SIGHUP (the terminal went away), after the partial report.
    case hangUp = 129
}
