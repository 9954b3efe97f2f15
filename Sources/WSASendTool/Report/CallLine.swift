import Winsock

/// The `-v` line of one WSASend call, in the shape a Winsock programmer reads:
/// `WSASend = 0, 16384 bytes, 12.1 us` or `WSASend = SOCKET_ERROR, WSAEWOULDBLOCK (10035)`.
public enum CallLine {
    /// One call's line.
    ///
    /// - Parameter function: The call's name: WSASend, or WSASendTo for `--no-connect` and the REPL's `sendto`.
    public static func text(
        status: Int32, code: Int32, sent: DWORD, offered: UInt64, nanoseconds: UInt64, function: String = "WSASend"
    ) -> String {
        let time = Units.duration(Double(nanoseconds))
        if status == 0 {
            if UInt64(sent) < offered {
                return "\(function) = 0, \(sent) of \(offered) bytes (partial), \(time)"
            }
            return "\(function) = 0, \(sent) bytes, \(time)"
        }
        let error = WSAError(code)
        let taken = sent > 0 ? ", \(sent) bytes sent before the error" : ""
        return "\(function) = SOCKET_ERROR, \(error.name) (\(error.code))\(taken), \(time)"
    }

    /// An overlapped call that completed: the spec's example prints "Wrote 4096 bytes".
    public static func completed(
        _ bytes: UInt64, immediate: Bool, nanoseconds: UInt64, function: String = "WSASend"
    ) -> String {
        let how =
            immediate ? "\(function) = 0, completed immediately" : "\(function) = SOCKET_ERROR, WSA_IO_PENDING (997)"
        return "Wrote \(bytes) bytes: \(how), \(Units.duration(Double(nanoseconds)))"
    }

    /// An overlapped call that was initiated and then completed with an error.
    public static func completionFailed(_ code: Int32, bytes: UInt64, nanoseconds: UInt64) -> String {
        let error = WSAError(code)
        return "Completed with \(error.name) (\(error.code)) after \(Units.duration(Double(nanoseconds))), "
            + "\(bytes) bytes sent"
    }
}
