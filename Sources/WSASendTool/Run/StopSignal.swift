import Glibc

/// The signals that end a run early with its partial report, as SIGINT always did: `timeout 10 wsasend ...`
/// sends SIGTERM, a closed terminal SIGHUP. The exit status is 128 plus the signal's number, as a shell
/// reports a command killed by it.
public enum StopSignal: Sendable, CaseIterable {
    case interrupt
    case terminate
    case hangUp

    /// A plain switch: a signal handler calls it, and may not allocate.
    public init?(number: Int32) {
        switch number {
        case SIGINT: self = .interrupt
        case SIGTERM: self = .terminate
        case SIGHUP: self = .hangUp
        default: return nil
        }
    }

    public var number: Int32 {
        switch self {
        case .interrupt: SIGINT
        case .terminate: SIGTERM
        case .hangUp: SIGHUP
        }
    }

    /// "SIGINT", as the report and the error sentence name it.
    public var name: String {
        switch self {
        case .interrupt: "SIGINT"
        case .terminate: "SIGTERM"
        case .hangUp: "SIGHUP"
        }
    }

    /// 130, 143 or 129.
    public var exitStatus: ExitStatus {
        switch self {
        case .interrupt: .interrupted
        case .terminate: .terminated
        case .hangUp: .hangUp
        }
    }
}
