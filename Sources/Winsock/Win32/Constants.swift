// Winsock's constants with their Windows values. Names POSIX also has (MSG_OOB, SOL_SOCKET, ...) are
// Winsock's own here: a ported program passes Windows values and the library translates them.

// MARK: WSASend flags

/// Send out-of-band (urgent) data; stream sockets only.
public let MSG_OOB: Int32 = 0x1
/// Read without removing the data (recv).
public let MSG_PEEK: Int32 = 0x2
/// Bypass routing; the provider may ignore it (this one passes it to Linux).
public let MSG_DONTROUTE: Int32 = 0x4
/// Wait until the buffer is full (recv).
public let MSG_WAITALL: Int32 = 0x8
/// The buffers hold only part of a message; TCP and UDP do not support it (WSAEOPNOTSUPP).
public let MSG_PARTIAL: Int32 = 0x8000

// MARK: shutdown

public let SD_RECEIVE: Int32 = 0
public let SD_SEND: Int32 = 1
public let SD_BOTH: Int32 = 2

// MARK: Socket options (level SOL_SOCKET, Windows values)

public let SOL_SOCKET: Int32 = 0xFFFF
public let SO_DEBUG: Int32 = 0x0001
public let SO_ACCEPTCONN: Int32 = 0x0002
public let SO_REUSEADDR: Int32 = 0x0004
public let SO_KEEPALIVE: Int32 = 0x0008
public let SO_DONTROUTE: Int32 = 0x0010
public let SO_BROADCAST: Int32 = 0x0020
public let SO_LINGER: Int32 = 0x0080
public let SO_OOBINLINE: Int32 = 0x0100
public let SO_SNDBUF: Int32 = 0x1001
public let SO_RCVBUF: Int32 = 0x1002
public let SO_SNDLOWAT: Int32 = 0x1003
public let SO_RCVLOWAT: Int32 = 0x1004
public let SO_SNDTIMEO: Int32 = 0x1005
public let SO_RCVTIMEO: Int32 = 0x1006
public let SO_ERROR: Int32 = 0x1007
public let SO_TYPE: Int32 = 0x1008
/// The largest datagram a message-oriented socket sends: 65507 (IPv4) or 65527 (IPv6). Get only.
public let SO_MAX_MSG_SIZE: Int32 = 0x2003

/// winsock2.h's `linger`, whose fields are `u_short` (Linux's are `int`).
public struct LINGER: Equatable, Sendable {
    public var l_onoff: UInt16
    public var l_linger: UInt16
    public init(l_onoff: UInt16 = 0, l_linger: UInt16 = 0) {
        self.l_onoff = l_onoff
        self.l_linger = l_linger
    }
}

// MARK: ioctlsocket / WSAIoctl

/// Sets (non-zero argument) or clears non-blocking mode.
public let FIONBIO: Int32 = Int32(bitPattern: 0x8004_667E)
/// Returns the number of bytes that `recv` can read at once.
public let FIONREAD: Int32 = Int32(bitPattern: 0x4004_667F)
/// Returns TRUE when no out-of-band data is waiting to be read.
public let SIOCATMARK: Int32 = Int32(bitPattern: 0x4004_7307)
/// Cancels the socket's pending overlapped sends (WSAIoctl): each completes with WSA_OPERATION_ABORTED.
public let SIO_FLUSH: DWORD = 0x2800_0004
/// Turns the WSAECONNRESET that a connected UDP socket reports after an ICMP port unreachable on
/// (TRUE, the default) or off (WSAIoctl with a BOOL).
public let SIO_UDP_CONNRESET: DWORD = 0x9800_000C

// MARK: Overlapped I/O, events and waits

/// `WSASocket` flag: the socket accepts overlapped operations.
public let WSA_FLAG_OVERLAPPED: DWORD = 0x01
/// The most events one `WSAWaitForMultipleEvents` call waits on.
public let WSA_MAXIMUM_WAIT_EVENTS: DWORD = 64
/// An infinite timeout.
public let WSA_INFINITE: DWORD = 0xFFFF_FFFF
/// winbase.h's `INFINITE`, for `SleepEx`.
public let INFINITE: DWORD = 0xFFFF_FFFF
public let WSA_WAIT_EVENT_0: DWORD = 0
public let WSA_WAIT_IO_COMPLETION: DWORD = 0xC0
public let WSA_WAIT_TIMEOUT: DWORD = 0x102
public let WSA_WAIT_FAILED: DWORD = 0xFFFF_FFFF
/// What `SleepEx` returns when completion routines ran.
public let WAIT_IO_COMPLETION: DWORD = 0xC0

// MARK: Address families, socket types and protocols (Linux's numbers, as plain Int32)

// Glibc imports SOCK_STREAM as an enum case and IPPROTO_TCP as Int; these Int32 spellings let
// `socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)` and `hints.ai_socktype = SOCK_STREAM` port unchanged.
public let AF_UNSPEC: Int32 = 0
public let AF_INET: Int32 = 2
public let AF_INET6: Int32 = 10
public let SOCK_STREAM: Int32 = 1
public let SOCK_DGRAM: Int32 = 2
public let IPPROTO_IP: Int32 = 0
public let IPPROTO_TCP: Int32 = 6
public let IPPROTO_UDP: Int32 = 17
public let IPPROTO_IPV6: Int32 = 41
/// Disables Nagle's algorithm (level IPPROTO_TCP); the same value on Windows and Linux.
public let TCP_NODELAY: Int32 = 1
