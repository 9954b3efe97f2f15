/// How WSASend is called (`--mode`): on a blocking or a non-blocking socket, or overlapped, with event
/// objects or with completion routines; named in any case (`--mode EVENT`), as flags and codes are.
public enum SendMode: String, Sendable, CaseIterable {
    /// A blocking socket: each WSASend returns when every byte is consumed.
    case blocking
    /// A non-blocking socket: WSASend may take part of the buffers or say WSAEWOULDBLOCK.
    case nonblocking
    /// Overlapped calls with event objects (WSAWaitForMultipleEvents, WSAGetOverlappedResult).
    case event
    /// Overlapped calls with completion routines run in alertable waits.
    case routine

    /// True for the modes that pass an lpOverlapped (event, routine).
    public var isOverlapped: Bool { self == .event || self == .routine }
}

/// The socket type the sender and the sink use.
public enum Transport: String, Sendable, CaseIterable {
    /// A stream socket (SOCK_STREAM).
    case tcp
    /// A connected datagram socket (SOCK_DGRAM): each WSASend is one datagram.
    case udp
}
