/// The highest Winsock version this library implements: 2.2.
let highestVersion: WORD = MAKEWORD(2, 2)

/// Starts the library for the calling process; every other function fails with WSANOTINITIALISED until
/// it has succeeded. Calls are counted: each needs its own WSACleanup.
///
/// - Parameters:
///   - wVersionRequested: The highest version the caller can use, `MAKEWORD(major, minor)`.
///   - lpWSAData: Receives the negotiated version (`wVersion`, the lower of the request and 2.2) and the
///     highest supported (`wHighVersion`, 2.2).
/// - Returns: 0 on success, otherwise the error itself (not through WSAGetLastError): WSAVERNOTSUPPORTED
///   for a version whose major number (low byte) is 0, WSAEFAULT for a nil `lpWSAData`.
///
/// The corresponding Win32 function is `WSAStartup`.
public func WSAStartup(_ wVersionRequested: WORD, _ lpWSAData: UnsafeMutablePointer<WSADATA>?) -> Int32 {
    guard LOBYTE(wVersionRequested) != 0 else { return WSAVERNOTSUPPORTED }
    guard let lpWSAData else { return WSAEFAULT }
    let requested = (LOBYTE(wVersionRequested), HIBYTE(wVersionRequested))
    let highest = (LOBYTE(highestVersion), HIBYTE(highestVersion))
    let negotiated =
        requested.0 > highest.0 || (requested.0 == highest.0 && requested.1 > highest.1)
        ? highestVersion : wVersionRequested

    var data = WSADATA()
    data.wVersion = negotiated
    data.wHighVersion = highestVersion
    withUnsafeMutableBytes(of: &data.szDescription) { copyCString("wsasend Winsock 2.2 on Linux", into: $0) }
    withUnsafeMutableBytes(of: &data.szSystemStatus) { copyCString("Running", into: $0) }
    lpWSAData.pointee = data

    Library.startupCount.withLock { count in
        count += 1
        Library.isStarted.store(true, ordering: .releasing)
    }
    return 0
}

/// Ends one WSAStartup. The last one closes every socket still open (their pending overlapped sends
/// complete with WSA_OPERATION_ABORTED), and later calls fail with WSANOTINITIALISED.
///
/// - Returns: 0, or SOCKET_ERROR with WSANOTINITIALISED when no WSAStartup is outstanding.
///
/// The corresponding Win32 function is `WSACleanup`.
public func WSACleanup() -> Int32 {
    // The table is emptied under the count's lock, so that a WSAStartup racing with the last cleanup
    // cannot see its new sockets swept away.
    let started: Bool = Library.startupCount.withLock { count in
        guard count > 0 else { return false }
        count -= 1
        if count == 0 {
            Library.isStarted.store(false, ordering: .releasing)
            for record in Library.sockets.removeAll() { Library.close(record) }
        }
        return true
    }
    return started ? 0 : socketError(WSANOTINITIALISED)
}

private func copyCString(_ text: String, into buffer: UnsafeMutableRawBufferPointer) {
    let bytes = Array(text.utf8.prefix(buffer.count - 1))
    buffer.copyBytes(from: bytes)
    buffer[bytes.count] = 0
}
