import Winsock

/// What one REPL command did, besides the lines it printed as it went: whether it succeeded, the sentence
/// of its failure, and each WSASend it made (for `--json`).
public struct ReplOutcome: Sendable {
    /// One WSASend call: its return value, WSAGetLastError's code after SOCKET_ERROR (0 otherwise), and
    /// the bytes it reported; `id` names an overlapped call.
    public struct Call: Sendable, Equatable {
        public var id: UInt64?
        public var returnValue: Int32
        public var code: Int32
        public var bytes: UInt64
    }

    /// One overlapped send that ended during the command: how (0 or a WSA code) and with how many bytes.
    public struct Completion: Sendable, Equatable {
        public var id: UInt64
        public var code: Int32
        public var bytes: UInt64
    }

    public var succeeded = true
    /// The one sentence of a failure, for `wsasend: ...` on standard error.
    public var error: String?
    public var calls: [Call] = []
    public var completions: [Completion] = []
    /// `stats --json`'s report.
    public var report: JSONValue?
    /// True after `quit`.
    public var quit = false

    public init() {}

    static func failure(_ sentence: String) -> ReplOutcome {
        var outcome = ReplOutcome()
        outcome.succeeded = false
        outcome.error = sentence
        return outcome
    }
}
