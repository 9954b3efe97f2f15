import CWinsock

/// The calling thread's last Winsock error.
///
/// The corresponding Win32 function is `WSAGetLastError`. It works before WSAStartup, as on Windows.
@inline(__always)
public func WSAGetLastError() -> Int32 { cwinsock_get_last_error() }

/// Sets the calling thread's last Winsock error.
///
/// The corresponding Win32 function is `WSASetLastError`.
@inline(__always)
public func WSASetLastError(_ iError: Int32) { cwinsock_set_last_error(iError) }

/// Sets the last error and returns SOCKET_ERROR, the failure shape of most functions.
@inline(__always)
func socketError(_ code: Int32) -> Int32 {
    cwinsock_set_last_error(code)
    return SOCKET_ERROR
}

/// The checks every function starts with: the library is started and the handle is an open socket
/// of the table ("A successful WSAStartup call must occur before using this function"; an unknown
/// handle gives WSAENOTSOCK before any pointer is looked at).
@inline(__always)
func openSocket(_ handle: SOCKET) -> Result<SocketRecord, WSAError> {
    guard Library.isStarted.load(ordering: .acquiring) else { return .failure(.notInitialised) }
    let record = ThreadContext.withCurrent { $0.handleCaches.lookupSocket(handle) }
    guard let record else { return .failure(.notSocket) }
    return .success(record)
}

/// `openSocket` for the calls made once per send (WSASend, WSAGetOverlappedResult): the body gets the
/// record and the thread's context without a retain or a release, the record being kept alive by this
/// thread's cache for the whole call (see `HandleCaches.lookupSocketUnretained`). A failure is
/// answered by `failure` with its code.
@inline(__always)
func withOpenSocket<Answer>(
    _ handle: SOCKET, failure: (Int32) -> Answer, _ body: (SocketRecord, ThreadContext) -> Answer
) -> Answer {
    guard Library.isStarted.load(ordering: .acquiring) else { return failure(WSANOTINITIALISED) }
    return ThreadContext.withCurrent { context in
        guard let record = context.handleCaches.lookupSocketUnretained(handle) else { return failure(WSAENOTSOCK) }
        return record._withUnsafeGuaranteedRef { body($0, context) }
    }
}
