import Winsock

/// A failure that ends a command before or outside its calls, a case per kind: its exit status and its
/// one sentence for `wsasend: <sentence>` are made here and nowhere else.
public enum ToolFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// WSAStartup refused the session.
    case startup(WSAError)
    /// No driver sends in the mode.
    case noDriver(SendMode)
    /// The payload file cannot be opened or read.
    case unreadableInput(path: String, errno: Int32)
    /// The buffer set's memory cannot be had.
    case buffersUnavailable(bytes: UInt64)
    /// The overlapped calls' own buffers cannot be had.
    case overlappedBuffersUnavailable(calls: Int)
    /// WSACreateEvent failed for an overlapped call's event.
    case eventUnavailable(WSAError)
    /// The library's overlapped engine cannot start (out of descriptors for its eventfd, or of threads).
    case engineUnavailable(WSAError)
    /// The system refused a connection's thread.
    case threadUnavailable(connection: Int)
    /// getaddrinfo cannot resolve the host.
    case unresolvedHost(String, WSAError)
    /// No address of the listen address can be bound.
    case cannotListen(String, WSAError)
    /// A stopping signal came before the run had a socket.
    case interrupted
    /// The sink's `--output` cannot be created.
    case uncreatableOutput(path: String, errno: Int32)
    /// The sink's `--output` failed on a write.
    case unwritableOutput(path: String, errno: Int32)
    /// A file named by an option (`--histogram`) cannot be created (`created` false: written).
    case unwritableTextFile(option: String, path: String, created: Bool, errno: Int32)
    /// `merge`'s inputs, each line one input's problem: unreadable files (`unreadable`), or reports
    /// that are not wsasend's or do not belong together.
    case badMergeInputs(lines: [String], unreadable: Bool)
    /// The open-file limit cannot hold a socket per connection: the hard limit is short and may not be
    /// raised (`refusal` nil), or setrlimit refused the soft one (`refusal` its errno).
    case tooFewOpenFiles(connections: Int, needed: Int, limit: UInt64, refusal: Int32?)

    public var status: ExitStatus {
        switch self {
        case .startup, .buffersUnavailable, .overlappedBuffersUnavailable, .eventUnavailable, .threadUnavailable:
            .software
        case .noDriver: .usage
        case .uncreatableOutput, .unwritableTextFile: .cannotCreate
        case .badMergeInputs(_, let unreadable): unreadable ? .noInput : .dataError
        case .unreadableInput: .noInput
        case .unresolvedHost: .noHost
        case .cannotListen, .tooFewOpenFiles, .engineUnavailable: .unavailable
        case .interrupted: .interrupted
        case .unwritableOutput: .failure
        }
    }

    public var message: String {
        switch self {
        case .startup(let error): "WSAStartup failed: \(error)"
        case .noDriver(let mode): "--mode \(mode.rawValue) has no driver"
        case .unreadableInput(let path, let errno): "cannot read '\(path)': \(systemMessage(errno))"
        case .buffersUnavailable(let bytes): "cannot allocate \(bytes) bytes for the buffers"
        case .overlappedBuffersUnavailable(let calls): "cannot allocate the buffers of \(calls) calls"
        case .eventUnavailable(let error): "WSACreateEvent failed: \(error)"
        case .engineUnavailable(let error):
            "cannot start the overlapped engine: \(error.name) (\(error.code)): \(error.summary)"
        case .threadUnavailable(let connection): "cannot start a thread for connection \(connection)"
        case .unresolvedHost(let host, let error):
            "cannot resolve '\(host)': \(error.name) (\(error.code)): \(error.summary)"
        case .cannotListen(let address, let error):
            "cannot listen on \(address): \(error.name) (\(error.code)): \(error.summary)"
        case .interrupted: "interrupted"
        case .uncreatableOutput(let path, let errno):
            "cannot create the output file '\(path)': \(systemMessage(errno))"
        case .unwritableOutput(let path, let errno):
            "cannot write the output file '\(path)': \(systemMessage(errno))"
        case .unwritableTextFile(let option, let path, let created, let errno):
            "\(option) \(path): cannot \(created ? "write" : "create") it: \(systemMessage(errno))"
        case .badMergeInputs(let lines, _): lines.joined(separator: "\n")
        case .tooFewOpenFiles(let connections, let needed, let limit, nil):
            "--connections \(connections) needs about \(needed) open files, but the hard limit is \(limit) and "
                + "raising it takes CAP_SYS_RESOURCE: allow more first ('ulimit -n \(needed)' as root), or use "
                + "fewer connections"
        case .tooFewOpenFiles(let connections, let needed, let limit, let refusal?):
            "--connections \(connections) needs about \(needed) open files, but the limit is \(limit) and "
                + "setrlimit refused to raise it: \(systemMessage(refusal))"
        }
    }

    /// The Winsock code behind the failure, when there is one (for the JSON report).
    public var code: Int32? {
        switch self {
        case .startup(let error), .eventUnavailable(let error), .unresolvedHost(_, let error),
            .cannotListen(_, let error):
            error.code
        default: nil
        }
    }

    public var description: String { message }

    /// A file the tool could not read.
    init(unreadable error: SystemFileError) { self = .unreadableInput(path: error.path, errno: error.code) }
}
