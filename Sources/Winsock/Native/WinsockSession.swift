/// Keeps the library started for as long as it lives: WSAStartup(2.2) now, WSACleanup at the end.
///
/// ```swift
/// let session = try WinsockSession()
/// let socket = try Socket.connect(to: address)
/// ```
public final class WinsockSession: Sendable {
    /// The version WSAStartup negotiated.
    public let version: WORD

    public init(version requested: WORD = MAKEWORD(2, 2)) throws(WSAError) {
        var data = WSADATA()
        let status = WSAStartup(requested, &data)
        guard status == 0 else { throw WSAError(status) }
        version = data.wVersion
    }

    deinit {
        _ = WSACleanup()
    }
}

/// WSASend's flags as a Swift option set.
public struct SendFlags: OptionSet, Sendable, Hashable {
    public let rawValue: DWORD
    public init(rawValue: DWORD) { self.rawValue = rawValue }

    /// MSG_OOB: urgent data, stream sockets only.
    public static let outOfBand = SendFlags(rawValue: DWORD(MSG_OOB))
    /// MSG_DONTROUTE: bypass routing.
    public static let dontRoute = SendFlags(rawValue: DWORD(MSG_DONTROUTE))
    /// MSG_PARTIAL: TCP and UDP refuse it with WSAEOPNOTSUPP.
    public static let partial = SendFlags(rawValue: DWORD(MSG_PARTIAL))
}
