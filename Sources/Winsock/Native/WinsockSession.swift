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
