import Glibc

/// The stream transport of a real socket: sendmsg with MSG_NOSIGNAL, and poll for room.
///
/// The wait is alertable when the thread may have completion routines to run (the spec's note: "Winsock
/// performs an alertable wait in this situation"): it also watches the thread's wake descriptor and runs
/// queued routines before waiting again.
///
/// MSG_OOB goes only on the sendmsg whose window holds the call's last byte. Linux makes the last byte
/// of every sendmsg with MSG_OOB urgent (TCP keeps one urgent pointer, the latest), so a call split into
/// IOV_MAX slices would otherwise mark a byte at the end of each slice, and a receiver that reads past
/// such a mark before the next slice arrives loses that byte from the stream. A Linux limit remains: when
/// the final sendmsg itself is answered in part (a timeout, a non-blocking wait) or waits for memory
/// inside the kernel, Linux marks the last byte taken so far before the retry marks the true last byte.
struct SocketTransport: StreamTransport {
    let fd: Int32
    /// MSG_NOSIGNAL and the caller's translated flags, without MSG_OOB.
    let flags: Int32
    /// The flags of the sendmsg that carries the call's last byte: `flags`, with MSG_OOB if it was asked.
    let finalFlags: Int32
    /// The calling thread's context, which outlives the call.
    unowned(unsafe) let context: ThreadContext
    let alertable: Bool

    /// - Parameter flags: MSG_NOSIGNAL and the caller's flags translated to Linux's, MSG_OOB included.
    init(fd: Int32, flags: Int32, context: ThreadContext, alertable: Bool) {
        self.fd = fd
        self.flags = flags & ~Int32(MSG_OOB)
        self.finalFlags = flags
        self.context = context
        self.alertable = alertable
    }

    @inline(__always)
    mutating func send(_ iov: UnsafeMutablePointer<iovec>, count: Int, mayBlock: Bool, endsCall: Bool) -> SendAttempt {
        var message = msghdr()
        message.msg_iov = iov
        message.msg_iovlen = count
        let callFlags = endsCall ? finalFlags : flags
        let result = system_sendMessage(fd, &message, mayBlock ? callFlags : callFlags | Int32(MSG_DONTWAIT))
        if result >= 0 { return .sent(result) }
        let code = Int32(-result)
        return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(errno: code)
    }

    mutating func waitWritable(until deadline: Deadline?) -> WritableWait {
        while true {
            let outcome = context.waiter.wait(
                for: fd, events: Int16(POLLOUT_LINUX), until: deadline, alertable: alertable)
            switch outcome {
            case .descriptorReady: return .writable
            case .timedOut: return .timedOut
            // Routines ran or a spurious wake-up: the call goes on ("can be interrupted by an APC").
            case .woken, .routinesRan: continue
            }
        }
    }
}
