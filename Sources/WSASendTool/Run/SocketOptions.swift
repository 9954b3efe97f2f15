import Winsock

/// Small wrappers over the Win32-shaped option calls.
enum SocketOptions {
    /// setsockopt with a 32-bit value; the WSA code on failure.
    static func set(_ socket: SOCKET, level: Int32, name: Int32, value: Int32) -> Int32? {
        var value = value
        let status = withUnsafeBytes(of: &value) {
            setsockopt(socket, level, name, $0.baseAddress?.assumingMemoryBound(to: CChar.self), 4)
        }
        return status == 0 ? nil : WSAGetLastError()
    }

    /// getsockopt of a 32-bit value; nil on failure.
    static func get(_ socket: SOCKET, level: Int32, name: Int32) -> Int32? {
        var value: Int32 = 0
        var length: Int32 = 4
        let status = withUnsafeMutableBytes(of: &value) {
            getsockopt(socket, level, name, $0.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        }
        return status == 0 ? value : nil
    }

    /// ioctlsocket(FIONBIO); the WSA code on failure.
    static func setNonBlocking(_ socket: SOCKET, _ nonBlocking: Bool) -> Int32? {
        var argument: ULONG = nonBlocking ? 1 : 0
        return ioctlsocket(socket, FIONBIO, &argument) == 0 ? nil : WSAGetLastError()
    }

    /// How long one WSAPoll of `wait` lasts, in milliseconds, before it looks at the run's stop again.
    static let waitSlice: Int32 = 100

    /// Waits until the socket is ready for `events` (WSAPoll), checking `control` every `waitSlice` so
    /// that a stop is noticed even where closing the socket would not wake the poll.
    ///
    /// - Returns: `.ready`, `.timedOut` when `deadline` (monotonic ns) passed, or `.stopped`.
    static func wait(
        _ socket: SOCKET, for events: Int16, until deadline: UInt64?, control: RunControl
    ) -> WaitResult {
        while true {
            if control.isStopping { return .stopped }
            var slice = Self.waitSlice
            if let deadline {
                let now = MonotonicClock.now()
                if now >= deadline { return .timedOut }
                slice = Int32(min(UInt64(slice), TimeUnits.millisecondsRoundedUp(deadline - now)))
            }
            var entry = WSAPOLLFD(fd: socket, events: events)
            let ready = WSAPoll(&entry, 1, slice)
            if ready == SOCKET_ERROR { return .ready }  // the next call reports the socket's error
            if ready > 0 { return .ready }
        }
    }

    enum WaitResult { case ready, timedOut, stopped }
}
