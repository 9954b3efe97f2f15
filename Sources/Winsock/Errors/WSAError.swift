/// A Winsock error: a struct over the Win32 code, so that codes the catalog does not know round-trip.
///
/// ```swift
/// do { try socket.send(buffers) } catch .connectionReset { ... }
/// ```
public struct WSAError: RawRepresentable, Error, Hashable, Sendable {
    /// The Win32 code, as `WSAGetLastError` returns it.
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Creates an error from a code such as `WSAECONNRESET`.
    public init(_ code: Int32) { self.rawValue = code }

    /// The Win32 code (10054 for WSAECONNRESET).
    public var code: Int32 { rawValue }

    /// The code's name, such as "WSAECONNRESET"; "WSA error N" for a code the catalog does not know.
    public var name: String { WSAErrorCatalog.info(for: rawValue)?.name ?? "WSA error \(rawValue)" }

    /// What the code means: the sentence of WSASend's documented error table where it has one.
    public var message: String { WSAErrorCatalog.info(for: rawValue)?.message ?? "Unknown Winsock error." }

    /// Windows' short title for the code ("Connection reset by peer.").
    public var summary: String { WSAErrorCatalog.info(for: rawValue)?.summary ?? "Unknown Winsock error." }

    /// Lets `catch WSAError.connectionReset` match by code.
    public static func ~= (pattern: WSAError, value: any Error) -> Bool {
        (value as? WSAError)?.rawValue == pattern.rawValue
    }
}

extension WSAError: CustomStringConvertible {
    /// "WSAECONNRESET (10054)".
    public var description: String { "\(name) (\(rawValue))" }
}

extension WSAError {
    public static let notInitialised = WSAError(WSANOTINITIALISED)
    public static let notSocket = WSAError(WSAENOTSOCK)
    public static let fault = WSAError(WSAEFAULT)
    public static let invalidArgument = WSAError(WSAEINVAL)
    public static let wouldBlock = WSAError(WSAEWOULDBLOCK)
    public static let inProgress = WSAError(WSAEINPROGRESS)
    public static let interrupted = WSAError(WSAEINTR)
    public static let messageSize = WSAError(WSAEMSGSIZE)
    public static let operationNotSupported = WSAError(WSAEOPNOTSUPP)
    public static let networkDown = WSAError(WSAENETDOWN)
    public static let networkReset = WSAError(WSAENETRESET)
    public static let connectionAborted = WSAError(WSAECONNABORTED)
    public static let connectionReset = WSAError(WSAECONNRESET)
    public static let connectionRefused = WSAError(WSAECONNREFUSED)
    public static let noBufferSpace = WSAError(WSAENOBUFS)
    public static let notConnected = WSAError(WSAENOTCONN)
    public static let shutDown = WSAError(WSAESHUTDOWN)
    public static let timedOut = WSAError(WSAETIMEDOUT)
    public static let ioPending = WSAError(WSA_IO_PENDING)
    public static let ioIncomplete = WSAError(WSA_IO_INCOMPLETE)
    public static let operationAborted = WSAError(WSA_OPERATION_ABORTED)
    public static let invalidHandle = WSAError(WSA_INVALID_HANDLE)
    public static let invalidParameter = WSAError(WSA_INVALID_PARAMETER)
    public static let versionNotSupported = WSAError(WSAVERNOTSUPPORTED)
}
