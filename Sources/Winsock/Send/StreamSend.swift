import Glibc

/// What one sendmsg answered, below the contract: "would block" is a value, not an error.
enum SendAttempt: Equatable {
    case sent(Int)
    case wouldBlock
    case failed(errno: Int32)
}

/// How a wait for room in the send buffer ended.
enum WritableWait: Equatable {
    case writable
    case timedOut
}

/// The two things a stream send needs from the kernel; the socket implements them with sendmsg and
/// poll, and the tests with a script.
protocol StreamTransport {
    /// One sendmsg of `count` iovecs; `mayBlock` false adds MSG_DONTWAIT. `endsCall` says that the iovecs
    /// hold the WSASend call's last byte: only that sendmsg may carry MSG_OOB.
    mutating func send(_ iov: UnsafeMutablePointer<iovec>, count: Int, mayBlock: Bool, endsCall: Bool) -> SendAttempt
    /// Waits until the socket can take more bytes, or the deadline passes.
    mutating func waitWritable(until deadline: Deadline?) -> WritableWait
}

/// How a stream WSASend ended, with the bytes the transport took in every case.
enum StreamSendOutcome: Equatable {
    /// Every byte was consumed.
    case complete(sent: Int)
    /// A non-blocking socket ran out of room after `sent` bytes ("only part of the application's buffers
    /// having been consumed").
    case partial(sent: Int)
    /// A non-blocking socket had no room at all.
    case wouldBlock
    /// SO_SNDTIMEO expired on a blocking socket.
    case timedOut(sent: Int)
    case failed(errno: Int32, sent: Int)
}

/// Sends every byte of a WSABUF array on a stream socket, in IOV_MAX slices when it has more buffers.
///
/// A blocking socket loops until all bytes are consumed. The first sendmsg may block in the kernel
/// (`firstMayBlock`: one syscall when the transport takes everything, as a plain blocking send);
/// after a partial answer, and after the first slice when there is a `deadline`, the loop waits for
/// room itself, so that `deadline` (SO_SNDTIMEO) bounds the whole call rather than each sendmsg, and
/// the wait can be alertable. A non-blocking socket sends
/// slices until the kernel takes less than offered. Each sendmsg is told whether its window ends the
/// call, so that MSG_OOB marks the call's last byte and no other (see `SocketTransport`).
func sendStream<Span: ByteSpan, Transport: StreamTransport>(
    _ cursor: inout SendCursor<Span>, iov: UnsafeMutablePointer<iovec>, limit: Int, blocking: Bool,
    firstMayBlock: Bool, deadline: Deadline?, transport: inout Transport
) -> StreamSendOutcome {
    var sent = 0
    var mayBlock = blocking && firstMayBlock
    while true {
        let window = cursor.fill(iov, limit: limit)
        if window.count == 0 { return .complete(sent: sent) }
        switch transport.send(iov, count: window.count, mayBlock: mayBlock, endsCall: window.reachesEnd) {
        case .sent(let taken):
            sent += taken
            cursor.advance(by: taken)
            if cursor.isFinished { return .complete(sent: sent) }
            // The kernel's SO_SNDTIMEO restarts at every sendmsg: a later slice that blocked in the kernel
            // would get the whole timeout again, so past the first sendmsg only the deadline may end a wait.
            if deadline != nil { mayBlock = false }
            if taken < window.bytes {
                guard blocking else { return .partial(sent: sent) }
                // A blocking sendmsg returns short only at SO_SNDTIMEO or a signal: wait from here on.
                mayBlock = false
                if let deadline, deadline.hasPassed { return .timedOut(sent: sent) }
            }
        case .wouldBlock:
            guard blocking else { return sent > 0 ? .partial(sent: sent) : .wouldBlock }
            // A blocking sendmsg that says EAGAIN has run out its SO_SNDTIMEO.
            if mayBlock { return .timedOut(sent: sent) }
            if transport.waitWritable(until: deadline) == .timedOut { return .timedOut(sent: sent) }
        case .failed(let code):
            return .failed(errno: code, sent: sent)
        }
    }
}
