import Glibc

/// What the library was doing when Linux reported an errno: a few errnos mean different Winsock codes
/// depending on the call and the socket (EAGAIN is WSAEWOULDBLOCK on a non-blocking socket and the
/// SO_SNDTIMEO expiry, WSAETIMEDOUT, on a blocking one).
public struct ErrnoSituation: Sendable, Hashable {
    public enum Call: Sendable, Hashable { case send, connect, other }

    public var call: Call
    public var blocking: Bool
    public var datagram: Bool
    /// The socket was connected at some point (Linux says EPIPE both after a reset and before any connect).
    public var everConnected: Bool

    public init(call: Call, blocking: Bool = true, datagram: Bool = false, everConnected: Bool = true) {
        self.call = call
        self.blocking = blocking
        self.datagram = datagram
        self.everConnected = everConnected
    }
}

/// The one errno → Winsock mapping of the library (see the "Errors" section of "Differences from
/// Windows" in the documentation catalog), and beside it the library's own conditions that produce a
/// code without any errno. Together they cover every code of WSASend's documented error table.
public enum ErrnoMapping {
    /// When a row applies.
    public enum Condition: Sendable, Hashable {
        case always, blocking, nonBlocking, datagram, connect, everConnected
    }

    public struct Row: Sendable, Hashable {
        public let errno: Int32
        public let condition: Condition
        public let code: Int32
    }

    /// The table, most specific rows first: the first row whose errno matches and whose condition holds
    /// gives the code. An errno with no row becomes WSAEINVAL.
    public static let table: [Row] = [
        // A TCP connect's EAGAIN on Linux means the local ports ran out (a non-blocking connect in
        // progress is EINPROGRESS, below); Windows reports that exhaustion as WSAENOBUFS.
        Row(errno: EAGAIN, condition: .connect, code: WSAENOBUFS),
        Row(errno: EAGAIN, condition: .nonBlocking, code: WSAEWOULDBLOCK),
        Row(errno: EAGAIN, condition: .blocking, code: WSAETIMEDOUT),
        Row(errno: EINPROGRESS, condition: .connect, code: WSAEWOULDBLOCK),
        Row(errno: EINPROGRESS, condition: .always, code: WSAEINPROGRESS),
        Row(errno: EALREADY, condition: .always, code: WSAEALREADY),
        Row(errno: EINTR, condition: .always, code: WSAEINTR),
        Row(errno: ECONNRESET, condition: .always, code: WSAECONNRESET),
        Row(errno: EPIPE, condition: .everConnected, code: WSAECONNRESET),
        Row(errno: EPIPE, condition: .always, code: WSAENOTCONN),
        Row(errno: ECONNREFUSED, condition: .connect, code: WSAECONNREFUSED),
        Row(errno: ECONNREFUSED, condition: .datagram, code: WSAECONNRESET),
        Row(errno: ECONNREFUSED, condition: .always, code: WSAECONNREFUSED),
        Row(errno: ECONNABORTED, condition: .always, code: WSAECONNABORTED),
        Row(errno: ETIMEDOUT, condition: .connect, code: WSAETIMEDOUT),
        Row(errno: ETIMEDOUT, condition: .always, code: WSAECONNABORTED),
        Row(errno: ENETRESET, condition: .always, code: WSAENETRESET),
        Row(errno: ENOTCONN, condition: .always, code: WSAENOTCONN),
        Row(errno: EDESTADDRREQ, condition: .always, code: WSAENOTCONN),
        Row(errno: EMSGSIZE, condition: .always, code: WSAEMSGSIZE),
        Row(errno: EFAULT, condition: .always, code: WSAEFAULT),
        Row(errno: EBADF, condition: .always, code: WSAENOTSOCK),
        Row(errno: ENOTSOCK, condition: .always, code: WSAENOTSOCK),
        Row(errno: EOPNOTSUPP, condition: .always, code: WSAEOPNOTSUPP),
        Row(errno: ENETDOWN, condition: .always, code: WSAENETDOWN),
        Row(errno: ENETUNREACH, condition: .always, code: WSAENETUNREACH),
        Row(errno: EHOSTUNREACH, condition: .always, code: WSAEHOSTUNREACH),
        Row(errno: EHOSTDOWN, condition: .always, code: WSAEHOSTDOWN),
        Row(errno: ENOBUFS, condition: .always, code: WSAENOBUFS),
        Row(errno: ENOMEM, condition: .always, code: WSAENOBUFS),
        Row(errno: EACCES, condition: .always, code: WSAEACCES),
        // A firewall rule that rejects an outgoing packet makes sendmsg fail with EPERM.
        Row(errno: EPERM, condition: .always, code: WSAEACCES),
        Row(errno: ESHUTDOWN, condition: .always, code: WSAESHUTDOWN),
        Row(errno: ECANCELED, condition: .always, code: WSA_OPERATION_ABORTED),
        Row(errno: EADDRINUSE, condition: .always, code: WSAEADDRINUSE),
        Row(errno: EADDRNOTAVAIL, condition: .always, code: WSAEADDRNOTAVAIL),
        Row(errno: EAFNOSUPPORT, condition: .always, code: WSAEAFNOSUPPORT),
        Row(errno: EPFNOSUPPORT, condition: .always, code: WSAEPFNOSUPPORT),
        Row(errno: EPROTONOSUPPORT, condition: .always, code: WSAEPROTONOSUPPORT),
        Row(errno: ESOCKTNOSUPPORT, condition: .always, code: WSAESOCKTNOSUPPORT),
        Row(errno: EPROTOTYPE, condition: .always, code: WSAEPROTOTYPE),
        Row(errno: ENOPROTOOPT, condition: .always, code: WSAENOPROTOOPT),
        Row(errno: EISCONN, condition: .always, code: WSAEISCONN),
        Row(errno: EMFILE, condition: .always, code: WSAEMFILE),
        Row(errno: ENFILE, condition: .always, code: WSAEMFILE),
        Row(errno: EINVAL, condition: .always, code: WSAEINVAL),
    ]

    /// The Winsock code for an errno seen in a situation.
    public static func code(forErrno value: Int32, in situation: ErrnoSituation) -> Int32 {
        for row in table where row.errno == value && holds(row.condition, in: situation) {
            return row.code
        }
        return WSAEINVAL
    }

    static func holds(_ condition: Condition, in situation: ErrnoSituation) -> Bool {
        switch condition {
        case .always: true
        case .blocking: situation.blocking
        case .nonBlocking: !situation.blocking
        case .datagram: situation.datagram
        case .connect: situation.call == .connect
        case .everConnected: situation.everConnected
        }
    }

    /// Codes the library reports from its own checks, with no errno behind them.
    public enum LibraryCondition: CaseIterable, Sendable {
        case notInitialised
        case notASocket
        case badPointer
        case sendAfterShutdown
        case notConnected
        case unsupportedFlags
        case datagramTooLarge
        case overlappedOnNonOverlappedSocket
        case tooManyOutstanding
        case blockingCallInsideCompletionRoutine
        case blockingCallCancelledByClose
        case sendTimeoutExpired
        case operationPending
        case operationCancelled

        /// The code the condition produces.
        public var code: Int32 {
            switch self {
            case .notInitialised: WSANOTINITIALISED
            case .notASocket: WSAENOTSOCK
            case .badPointer: WSAEFAULT
            case .sendAfterShutdown: WSAESHUTDOWN
            case .notConnected: WSAENOTCONN
            case .unsupportedFlags: WSAEOPNOTSUPP
            case .datagramTooLarge: WSAEMSGSIZE
            case .overlappedOnNonOverlappedSocket: WSAEINVAL
            case .tooManyOutstanding: WSAEWOULDBLOCK
            // The documentation calls this undefined; this library defines it as a failure.
            case .blockingCallInsideCompletionRoutine: WSAEINPROGRESS
            // As Winsock 1.1 did for a blocking call cancelled under it.
            case .blockingCallCancelledByClose: WSAEINTR
            case .sendTimeoutExpired: WSAETIMEDOUT
            case .operationPending: WSA_IO_PENDING
            case .operationCancelled: WSA_OPERATION_ABORTED
            }
        }
    }
}
