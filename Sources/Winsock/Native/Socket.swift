/// An owning socket: the Swift-native face of a SOCKET, closed when the value goes away.
///
/// Every method calls the Win32-shaped function of the same purpose and turns SOCKET_ERROR into a thrown
/// `WSAError`, so a Swift program gets exactly the codes a Winsock program would see.
public final class Socket: Sendable {
    /// The Win32 handle, for calls the type does not wrap (WSASend with an overlapped structure).
    public let handle: SOCKET

    /// Opens a socket; `overlapped` false is WSASocket without WSA_FLAG_OVERLAPPED.
    public init(family: Int32, type: Int32, protocol proto: Int32 = 0, overlapped: Bool = true) throws(WSAError) {
        let handle = WSASocket(family, type, proto, nil, 0, overlapped ? WSA_FLAG_OVERLAPPED : 0)
        guard handle != INVALID_SOCKET else { throw WSAError(WSAGetLastError()) }
        self.handle = handle
    }

    /// Adopts a handle (from `accept`); the socket closes it.
    public init(adopting handle: SOCKET) {
        self.handle = handle
    }

    deinit {
        _ = closesocket(handle)
    }

    /// Connects to the first address that answers, waiting at most `timeout` for each.
    public static func connect(
        to addresses: [SocketAddress], type: Int32 = SOCK_STREAM, timeout: Duration? = nil
    ) throws(WSAError) -> Socket {
        var lastError = WSAError(WSAEHOSTUNREACH)
        for address in addresses {
            do {
                let socket = try Socket(family: address.family, type: type)
                try socket.connect(to: address, timeout: timeout)
                return socket
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// Connects; with a timeout the connection is made in non-blocking mode and waited for with WSAPoll,
    /// and the socket is blocking again afterwards, whether the connect succeeded or threw. A timeout
    /// gives WSAETIMEDOUT; `closesocket` of the handle on another thread ends the wait with WSAEINTR, as
    /// it ends the library's blocking calls.
    public func connect(to address: SocketAddress, timeout: Duration? = nil) throws(WSAError) {
        guard let timeout else {
            try check(address.withSockaddr { Winsock.connect(handle, $0, $1) })
            return
        }
        try setNonBlocking(true)
        let outcome = connectNonBlocking(to: address, timeout: timeout)
        // Blocking again on every path. A socket closed meanwhile has no mode left to restore: the
        // connect's own error says what happened.
        var blocking: ULONG = 0
        let restored = ioctlsocket(handle, FIONBIO, &blocking)
        let restoreError = WSAGetLastError()
        try outcome.get()
        if restored == SOCKET_ERROR { throw WSAError(restoreError) }
    }

    /// The connect of `connect(to:timeout:)` on a non-blocking socket, and the wait for it.
    private func connectNonBlocking(to address: SocketAddress, timeout: Duration) -> Result<Void, WSAError> {
        let status = address.withSockaddr { Winsock.connect(handle, $0, $1) }
        if status == 0 { return .success(()) }
        let code = WSAGetLastError()
        guard code == WSAEWOULDBLOCK else { return .failure(WSAError(code)) }
        let (seconds, attoseconds) = timeout.components
        // Saturating: a timeout of centuries is a wait without end, not an overflow.
        let whole = UInt64(clamping: seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let nanoseconds = whole.overflow ? UInt64.max : whole.partialValue
        let start = MonotonicClock.now()
        let span = nanoseconds.addingReportingOverflow(UInt64(clamping: attoseconds / 1_000_000_000))
        let deadline = span.overflow || UInt64.max - start < span.partialValue ? UInt64.max : start + span.partialValue
        var entry = WSAPOLLFD(fd: handle, events: POLLWRNORM)
        while true {
            let now = MonotonicClock.now()
            // Milliseconds left, rounded up so that the wait never ends before the deadline.
            let left = deadline > now ? Int32(clamping: (deadline - now + 999_999) / 1_000_000) : 0
            let ready = WSAPoll(&entry, 1, left)
            if ready == SOCKET_ERROR { return .failure(WSAError(WSAGetLastError())) }
            if ready > 0 { break }
            // No event: the time is up, or a signal cut the wait short.
            if MonotonicClock.now() >= deadline { return .failure(WSAError(WSAETIMEDOUT)) }
        }
        // WSAPoll's POLLNVAL: the handle was closed under the wait.
        if entry.revents & POLLNVAL != 0 { return .failure(WSAError(WSAEINTR)) }
        do {
            let pending = try intOption(level: SOL_SOCKET, name: SO_ERROR)
            return pending == 0 ? .success(()) : .failure(WSAError(pending))
        } catch {
            return .failure(error)
        }
    }

    public func bind(to address: SocketAddress) throws(WSAError) {
        try check(address.withSockaddr { Winsock.bind(handle, $0, $1) })
    }

    public func listen(backlog: Int32 = 128) throws(WSAError) {
        try check(Winsock.listen(handle, backlog))
    }

    /// Accepts a connection and its peer's address.
    public func accept() throws(WSAError) -> (Socket, SocketAddress) {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let accepted = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(handle, $0, &length) }
        }
        guard accepted != INVALID_SOCKET else { throw WSAError(WSAGetLastError()) }
        let peer = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0, length: length) }
        }
        return (Socket(adopting: accepted), peer)
    }

    /// One non-overlapped WSASend of the buffers; returns the bytes sent (all of them on a blocking
    /// socket, possibly fewer on a non-blocking one).
    @discardableResult
    public func send(_ buffers: UnsafeMutableBufferPointer<WSABUF>, flags: SendFlags = []) throws(WSAError) -> Int {
        var sent: DWORD = 0
        let status = WSASend(handle, buffers.baseAddress, DWORD(buffers.count), &sent, flags.rawValue, nil, nil)
        guard status == 0 else { throw WSAError(WSAGetLastError()) }
        return Int(sent)
    }

    /// One non-overlapped WSASend of one buffer.
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, flags: SendFlags = []) throws(WSAError) -> Int {
        var buffer = WSABUF(
            len: DWORD(bytes.count),
            buf: UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: CChar.self)))
        return try withUnsafeMutablePointer(to: &buffer) { (pointer) throws(WSAError) -> Int in
            try send(UnsafeMutableBufferPointer(start: pointer, count: 1), flags: flags)
        }
    }

    /// One recv; 0 means the peer closed.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32 = 0) throws(WSAError) -> Int {
        let count = Winsock.recv(
            handle, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: buffer.count), flags)
        guard count != SOCKET_ERROR else { throw WSAError(WSAGetLastError()) }
        return Int(count)
    }

    /// One recvfrom: the bytes received, and in `sender` the address they came from on a datagram socket
    /// (nil on a stream socket, whose recvfrom ignores the address, as Windows' does). 0 on a stream
    /// socket means the peer closed.
    public func receive(
        into buffer: UnsafeMutableRawBufferPointer, from sender: inout SocketAddress?, flags: Int32 = 0
    ) throws(WSAError) -> Int {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Winsock.recvfrom(
                    handle, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: buffer.count),
                    flags, $0, &length)
            }
        }
        guard count != SOCKET_ERROR else { throw WSAError(WSAGetLastError()) }
        // A stream socket's recvfrom leaves the storage as it was: no family, no address.
        sender =
            storage.ss_family == 0
            ? nil
            : withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0, length: length) }
            }
        return Int(count)
    }

    public func shutdown(_ how: Int32) throws(WSAError) {
        try check(Winsock.shutdown(handle, how))
    }

    public func setNonBlocking(_ nonBlocking: Bool) throws(WSAError) {
        var value: ULONG = nonBlocking ? 1 : 0
        try check(ioctlsocket(handle, FIONBIO, &value))
    }

    /// Sets an option whose value is a 32-bit integer (BOOL, DWORD or int).
    public func setOption(level: Int32, name: Int32, value: Int32) throws(WSAError) {
        var value = value
        let status = withUnsafeBytes(of: &value) {
            Winsock.setsockopt(handle, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 4)
        }
        try check(status)
    }

    /// Reads an option whose value is a 32-bit integer.
    public func intOption(level: Int32, name: Int32) throws(WSAError) -> Int32 {
        var value: Int32 = 0
        var length: Int32 = 4
        let status = withUnsafeMutableBytes(of: &value) {
            Winsock.getsockopt(handle, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
        }
        try check(status)
        return value
    }

    public var localAddress: SocketAddress? { address(getsockname) }
    public var peerAddress: SocketAddress? { address(getpeername) }

    private func address(
        _ call: (SOCKET, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<Int32>?) -> Int32
    ) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(handle, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0, length: length) }
        }
    }

    private func check(_ status: Int32) throws(WSAError) {
        if status == SOCKET_ERROR { throw WSAError(WSAGetLastError()) }
    }
}
