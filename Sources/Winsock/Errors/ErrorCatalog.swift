/// One row of the catalog: a Winsock code, its name, a short title and its meaning.
///
/// `message` is the documentation's own sentence (the error table of "WSASend function (winsock2.h)")
/// for the codes WSASend returns, and
/// Windows' description for the rest; `summary` is Windows' short title ("Connection reset by peer.").
public struct WSAErrorInfo: Sendable, Hashable {
    public let code: Int32
    public let name: String
    public let summary: String
    public let message: String
    /// True when `message` is a sentence of WSASend's error table.
    public let fromSpec: Bool
}

/// Every code the library can report, in numeric order: the single source of names and meanings.
public enum WSAErrorCatalog {
    public static let all: [WSAErrorInfo] = [
        row(
            WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE", "Specified event object handle is invalid.",
            "An application attempts to use an event object, but the specified handle is not valid."),
        row(
            WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY", "Insufficient memory available.",
            "An application used a Windows Sockets function that directly maps to a Windows function, "
                + "which indicated a lack of required memory resources."),
        row(
            WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER", "One or more parameters are invalid.",
            "An application used a Windows Sockets function which directly maps to a Windows function, "
                + "which indicated a problem with one or more parameters."),
        spec(
            WSA_OPERATION_ABORTED, "WSA_OPERATION_ABORTED", "Overlapped operation aborted.",
            "The overlapped operation has been canceled due to the closure of the socket, the execution of "
                + "the \"SIO_FLUSH\" command in WSAIoctl, or the thread that initiated the overlapped request "
                + "exited before the operation completed."),
        row(
            WSA_IO_INCOMPLETE, "WSA_IO_INCOMPLETE", "Overlapped I/O event object not in signaled state.",
            "The application has tried to determine the status of an overlapped operation which is not yet "
                + "completed."),
        spec(
            WSA_IO_PENDING, "WSA_IO_PENDING", "Overlapped operations will complete later.",
            "An overlapped operation was successfully initiated and completion will be indicated at a later "
                + "time."),
        spec(
            WSAEINTR, "WSAEINTR", "Interrupted function call.",
            "A blocking Windows Socket 1.1 call was canceled through WSACancelBlockingCall."),
        row(WSAEBADF, "WSAEBADF", "File handle is not valid.", "The file handle supplied is not valid."),
        row(
            WSAEACCES, "WSAEACCES", "Permission denied.",
            "An attempt was made to access a socket in a way forbidden by its access permissions."),
        spec(
            WSAEFAULT, "WSAEFAULT", "Bad address.",
            "The lpBuffers, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine parameter is not totally "
                + "contained in a valid part of the user address space."),
        spec(
            WSAEINVAL, "WSAEINVAL", "Invalid argument.",
            "The socket has not been bound with bind or the socket is not created with the overlapped flag."),
        row(WSAEMFILE, "WSAEMFILE", "Too many open files.", "Too many open sockets."),
        spec(
            WSAEWOULDBLOCK, "WSAEWOULDBLOCK", "Resource temporarily unavailable.",
            "Overlapped sockets: There are too many outstanding overlapped I/O requests. Nonoverlapped "
                + "sockets: The socket is marked as nonblocking and the send operation cannot be completed "
                + "immediately."),
        spec(
            WSAEINPROGRESS, "WSAEINPROGRESS", "Operation now in progress.",
            "A blocking Windows Sockets 1.1 call is in progress, or the service provider is still processing "
                + "a callback function."),
        row(
            WSAEALREADY, "WSAEALREADY", "Operation already in progress.",
            "An operation was attempted on a nonblocking socket with an operation already in progress."),
        spec(WSAENOTSOCK, "WSAENOTSOCK", "Socket operation on nonsocket.", "The descriptor is not a socket."),
        row(
            WSAEDESTADDRREQ, "WSAEDESTADDRREQ", "Destination address required.",
            "A required address was omitted from an operation on a socket."),
        spec(
            WSAEMSGSIZE, "WSAEMSGSIZE", "Message too long.",
            "The socket is message oriented, and the message is larger than the maximum supported by the "
                + "underlying transport."),
        row(
            WSAEPROTOTYPE, "WSAEPROTOTYPE", "Protocol wrong type for socket.",
            "A protocol was specified that does not support the semantics of the socket type requested."),
        row(
            WSAENOPROTOOPT, "WSAENOPROTOOPT", "Bad protocol option.",
            "An unknown, invalid or unsupported option or level was specified in a getsockopt or setsockopt "
                + "call."),
        row(
            WSAEPROTONOSUPPORT, "WSAEPROTONOSUPPORT", "Protocol not supported.",
            "The requested protocol has not been configured into the system, or no implementation for it "
                + "exists."),
        row(
            WSAESOCKTNOSUPPORT, "WSAESOCKTNOSUPPORT", "Socket type not supported.",
            "The support for the specified socket type does not exist in this address family."),
        spec(
            WSAEOPNOTSUPP, "WSAEOPNOTSUPP", "Operation not supported.",
            "MSG_OOB was specified, but the socket is not stream-style such as type SOCK_STREAM, OOB data is "
                + "not supported in the communication domain associated with this socket, MSG_PARTIAL is not "
                + "supported, or the socket is unidirectional and supports only receive operations."),
        row(
            WSAEPFNOSUPPORT, "WSAEPFNOSUPPORT", "Protocol family not supported.",
            "The protocol family has not been configured into the system or no implementation for it exists."),
        row(
            WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT", "Address family not supported by protocol family.",
            "An address incompatible with the requested protocol was used."),
        row(
            WSAEADDRINUSE, "WSAEADDRINUSE", "Address already in use.",
            "Only one usage of each socket address (protocol/IP address/port) is normally permitted."),
        row(
            WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL", "Cannot assign requested address.",
            "The requested address is not valid in its context."),
        spec(WSAENETDOWN, "WSAENETDOWN", "Network is down.", "The network subsystem has failed."),
        row(
            WSAENETUNREACH, "WSAENETUNREACH", "Network is unreachable.",
            "A socket operation was attempted to an unreachable network."),
        spec(
            WSAENETRESET, "WSAENETRESET", "Network dropped connection on reset.",
            "For a stream socket, the connection has been broken due to keep-alive activity detecting a "
                + "failure while the operation was in progress. For a datagram socket, this error indicates "
                + "that the time to live has expired."),
        spec(
            WSAECONNABORTED, "WSAECONNABORTED", "Software caused connection abort.",
            "The virtual circuit was terminated due to a time-out or other failure."),
        spec(
            WSAECONNRESET, "WSAECONNRESET", "Connection reset by peer.",
            "For a stream socket, the virtual circuit was reset by the remote side. The application should "
                + "close the socket as it is no longer usable. For a UDP datagram socket, this error would "
                + "indicate that a previous send operation resulted in an ICMP \"Port Unreachable\" message."),
        spec(
            WSAENOBUFS, "WSAENOBUFS", "No buffer space available.",
            "The Windows Sockets provider reports a buffer deadlock."),
        row(
            WSAEISCONN, "WSAEISCONN", "Socket is already connected.",
            "A connect request was made on an already-connected socket."),
        spec(WSAENOTCONN, "WSAENOTCONN", "Socket is not connected.", "The socket is not connected."),
        spec(
            WSAESHUTDOWN, "WSAESHUTDOWN", "Cannot send after socket shutdown.",
            "The socket has been shut down; it is not possible to WSASend on a socket after shutdown has been "
                + "invoked with how set to SD_SEND or SD_BOTH."),
        row(
            WSAETOOMANYREFS, "WSAETOOMANYREFS", "Too many references.",
            "Too many references to some kernel object."),
        row(
            WSAETIMEDOUT, "WSAETIMEDOUT", "Connection timed out.",
            "A connection attempt failed because the connected party did not properly respond after a period "
                + "of time, or the send timeout (SO_SNDTIMEO) expired."),
        row(
            WSAECONNREFUSED, "WSAECONNREFUSED", "Connection refused.",
            "No connection could be made because the target computer actively refused it."),
        row(WSAELOOP, "WSAELOOP", "Cannot translate name.", "Cannot translate a name."),
        row(WSAENAMETOOLONG, "WSAENAMETOOLONG", "Name too long.", "A name component or a name was too long."),
        row(
            WSAEHOSTDOWN, "WSAEHOSTDOWN", "Host is down.",
            "A socket operation failed because the destination host is down."),
        row(
            WSAEHOSTUNREACH, "WSAEHOSTUNREACH", "No route to host.",
            "A socket operation was attempted to an unreachable host."),
        row(WSAENOTEMPTY, "WSAENOTEMPTY", "Directory not empty.", "Cannot remove a directory that is not empty."),
        row(
            WSAEPROCLIM, "WSAEPROCLIM", "Too many processes.",
            "A Windows Sockets implementation may have a limit on the number of applications that can use it "
                + "simultaneously."),
        row(WSAEUSERS, "WSAEUSERS", "User quota exceeded.", "Ran out of user quota."),
        row(WSAEDQUOT, "WSAEDQUOT", "Disk quota exceeded.", "Ran out of disk quota."),
        row(
            WSAESTALE, "WSAESTALE", "Stale file handle reference.",
            "The file handle reference is no longer available."),
        row(WSAEREMOTE, "WSAEREMOTE", "Item is remote.", "The item is not available locally."),
        row(
            WSASYSNOTREADY, "WSASYSNOTREADY", "Network subsystem is unavailable.",
            "WSAStartup cannot function at this time because the underlying system it uses to provide network "
                + "services is currently unavailable."),
        row(
            WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED", "Winsock.dll version out of range.",
            "The current Windows Sockets implementation does not support the Windows Sockets specification "
                + "version requested by the application."),
        spec(
            WSANOTINITIALISED, "WSANOTINITIALISED", "Successful WSAStartup not yet performed.",
            "A successful WSAStartup call must occur before using this function."),
        row(
            WSAEDISCON, "WSAEDISCON", "Graceful shutdown in progress.",
            "The remote party has initiated a graceful shutdown sequence."),
        row(WSAENOMORE, "WSAENOMORE", "No more results.", "No more results can be returned."),
        row(
            WSAECANCELLED, "WSAECANCELLED", "Call has been canceled.",
            "A call was canceled while it was still being processed."),
        row(
            WSAEINVALIDPROCTABLE, "WSAEINVALIDPROCTABLE", "Procedure call table is invalid.",
            "The service provider procedure call table is invalid."),
        row(
            WSAEINVALIDPROVIDER, "WSAEINVALIDPROVIDER", "Service provider is invalid.",
            "The requested service provider is invalid."),
        row(
            WSAEPROVIDERFAILEDINIT, "WSAEPROVIDERFAILEDINIT", "Service provider failed to initialize.",
            "The requested service provider could not be loaded or initialized."),
        row(
            WSASYSCALLFAILURE, "WSASYSCALLFAILURE", "System call failure.",
            "A system call that should never fail has failed."),
        row(
            WSASERVICE_NOT_FOUND, "WSASERVICE_NOT_FOUND", "Service not found.",
            "No such service is known."),
        row(
            WSATYPE_NOT_FOUND, "WSATYPE_NOT_FOUND", "Class type not found.",
            "The specified class was not found."),
        row(WSA_E_NO_MORE, "WSA_E_NO_MORE", "No more results.", "No more results can be returned."),
        row(
            WSA_E_CANCELLED, "WSA_E_CANCELLED", "Call was canceled.",
            "A call was canceled while it was still being processed."),
        row(
            WSAEREFUSED, "WSAEREFUSED", "Database query was refused.",
            "A database query failed because it was actively refused."),
        row(WSAHOST_NOT_FOUND, "WSAHOST_NOT_FOUND", "Host not found.", "No such host is known."),
        row(
            WSATRY_AGAIN, "WSATRY_AGAIN", "Nonauthoritative host not found.",
            "A temporary error during host name resolution; try again later."),
        row(
            WSANO_RECOVERY, "WSANO_RECOVERY", "This is a nonrecoverable error.",
            "A nonrecoverable error occurred during a database lookup."),
        row(
            WSANO_DATA, "WSANO_DATA", "Valid name, no data record of requested type.",
            "The requested name is valid and was found in the database, but it does not have the correct "
                + "associated data being resolved for."),
    ]

    private static let byCode: [Int32: WSAErrorInfo] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.code, $0) })
    private static let byName: [String: WSAErrorInfo] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The row of a code, or nil for a code the catalog does not know.
    public static func info(for code: Int32) -> WSAErrorInfo? { byCode[code] }

    /// The row of a name such as "WSAECONNRESET" (any case; the "WSA" prefix may be left off).
    public static func info(named name: String) -> WSAErrorInfo? {
        let upper = name.uppercased()
        return byName[upper] ?? byName["WSA" + upper] ?? byName["WSA_" + upper]
    }

    private static func row(_ code: Int32, _ name: String, _ summary: String, _ message: String) -> WSAErrorInfo {
        WSAErrorInfo(code: code, name: name, summary: summary, message: message, fromSpec: false)
    }

    private static func spec(_ code: Int32, _ name: String, _ summary: String, _ message: String) -> WSAErrorInfo {
        WSAErrorInfo(code: code, name: name, summary: summary, message: message, fromSpec: true)
    }
}
