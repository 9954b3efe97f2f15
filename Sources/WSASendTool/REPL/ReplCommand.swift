import Winsock

/// One REPL line, read: what `ReplGrammar` makes of the words, and what `ReplSession` runs.
public enum ReplCommand: Sendable, Equatable {
    /// A blank line or a comment: nothing to do.
    case nothing
    /// `connect HOST:PORT [--udp [--no-connect]]`; with `noConnect` an unconnected UDP socket whose
    /// datagrams `sendto` addresses to the target.
    case connect(Target, udp: Bool, noConnect: Bool = false)
    /// `listen [HOST:]PORT`: accept one peer, as `--listen` does.
    case listen(ListenAddress)
    /// `close`: closesocket, which aborts the pending sends.
    case close
    /// `shutdown send|receive|both`.
    case shutdown(ShutdownDirection)
    /// A setting, checked by the command line's grammar.
    case set(ReplSetting)
    /// `settings`: show them.
    case settings
    /// `send [N]`: N calls with the current settings.
    case send(count: UInt64)
    /// `send "text"` or `send hex ...`: these bytes, once.
    case sendBytes([UInt8])
    /// `sendto [HOST:PORT] [N]`: N WSASendTo calls to HOST:PORT, or to the session's target when nil.
    case sendTo(Target?, count: UInt64)
    /// `sendto [HOST:PORT] "text"` or `sendto [HOST:PORT] hex ...`: these bytes in one WSASendTo.
    case sendBytesTo(Target?, [UInt8])
    /// `recv [SIZE] [TIMEOUT]`, the timeout in nanoseconds.
    case recv(size: UInt64, timeout: UInt64)
    /// `pending`: the overlapped sends still in flight.
    case pending
    /// `wait [TIMEOUT]`: an alertable wait; nil waits until nothing is pending.
    case wait(timeout: UInt64?)
    /// `result ID [wait]`: WSAGetOverlappedResult.
    case result(id: UInt64, wait: Bool)
    /// `flush`: WSAIoctl SIO_FLUSH.
    case flush
    /// `status`: the connection.
    case status
    /// `stats [--json]`: the command's report for the session so far.
    case stats(json: Bool)
    /// `codes [CODE]`: the Winsock error codes, or one in full.
    case codes(Int32?)
    /// `history`: the lines entered so far.
    case history
    /// `help [COMMAND]`.
    case help(String?)
    /// `quit` or `exit`.
    case quit
}

/// `shutdown`'s directions: winsock2.h's SD_SEND, SD_RECEIVE and SD_BOTH.
public enum ShutdownDirection: String, Sendable, CaseIterable {
    case send, receive, both

    /// The `how` argument of `shutdown`.
    public var how: Int32 {
        switch self {
        case .send: SD_SEND
        case .receive: SD_RECEIVE
        case .both: SD_BOTH
        }
    }
}

/// A setting of the session: what the next `send` does.
public enum ReplSetting: Sendable, Equatable {
    /// The WSABUF array of each call.
    case buffers(BufferSpec)
    /// WSASend's dwFlags.
    case flags(DWORD)
    case mode(SendMode)
    /// Overlapped calls in flight at most.
    case outstanding(Int)
    /// SO_SNDBUF in bytes.
    case sndbuf(UInt64)
    /// TCP_NODELAY.
    case nodelay(Bool)
    /// SO_SNDTIMEO in nanoseconds; 0 turns it off.
    case sndtimeo(UInt64)
}
