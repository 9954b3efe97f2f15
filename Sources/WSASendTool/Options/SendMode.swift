/// How WSASend is called: DESIGN.md's four modes. Only the non-overlapped two are built so far; the
/// overlapped ones are parsed so that the grammar stays fixed and the refusal can name them.
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

    /// True for the modes this build can run.
    public var isAvailable: Bool { !isOverlapped }
}

/// The socket type the sender and the sink use.
public enum Transport: String, Sendable, CaseIterable {
    /// A stream socket (SOCK_STREAM).
    case tcp
    /// A connected datagram socket (SOCK_DGRAM): each WSASend is one datagram.
    case udp
}
