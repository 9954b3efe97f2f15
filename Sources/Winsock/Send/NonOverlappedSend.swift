import Glibc

/// The result of a send below the Win32 facade: a code (0 for success) and the bytes the transport took,
/// which are reported even when the call fails part-way.
struct SendResult {
    var code: Int32
    var bytes: Int

    static func failure(_ code: Int32, bytes: Int = 0) -> SendResult { SendResult(code: code, bytes: bytes) }
}

/// The Winsock flags WSASend accepts.
let supportedSendFlags: DWORD = DWORD(MSG_OOB | MSG_DONTROUTE | MSG_PARTIAL)

/// Checks WSASend's flags against the socket and translates them to Linux's; a code when refused.
///
/// No flag is dropped: MSG_OOB and MSG_DONTROUTE become Linux's, MSG_PARTIAL and unknown bits are
/// refused ("the error code WSAEOPNOTSUPP will be returned by transports that do not support partial
/// message transmissions"), and MSG_OOB on a datagram socket too ("MSG_OOB was specified, but the socket
/// is not stream-style").
@inline(__always)
func linuxSendFlags(_ flags: DWORD, on record: SocketRecord) -> (flags: Int32, refusal: Int32) {
    // Most calls pass no flag: one test then.
    if flags == 0 { return (Int32(MSG_NOSIGNAL), 0) }
    if flags & ~supportedSendFlags != 0 || flags & DWORD(MSG_PARTIAL) != 0 { return (0, WSAEOPNOTSUPP) }
    var linux = Int32(MSG_NOSIGNAL)
    if flags & DWORD(MSG_OOB) != 0 {
        guard record.isStream else { return (0, WSAEOPNOTSUPP) }
        linux |= Int32(Glibc.MSG_OOB)
    }
    if flags & DWORD(MSG_DONTROUTE) != 0 { linux |= Int32(Glibc.MSG_DONTROUTE) }
    return (linux, 0)
}

/// Adds up the buffers' lengths, refusing a nil `buf` with a non-zero `len` ("not totally contained in
/// a valid part of the user address space"). Nil for a bad buffer.
@inline(__always)
func totalLength(_ buffers: UnsafePointer<WSABUF>?, _ count: Int) -> Int? {
    guard let buffers else { return count == 0 ? 0 : nil }
    if count == 1 {
        // The common call of one buffer, without the loop's set-up and overflow check.
        let buffer = buffers.pointee
        return buffer.buf == nil && buffer.len > 0 ? nil : Int(buffer.len)
    }
    var total = 0
    for index in 0..<count {
        let buffer = buffers[index]
        if buffer.buf == nil && buffer.len > 0 { return nil }
        total += Int(buffer.len)
    }
    return total
}

/// What a WSASend may send: the checks every WSASend makes, overlapped or not, before it touches the
/// transport. `refusal` is the WSA code of the first check that failed, 0 when none did.
struct SendCheck {
    var total = 0
    var flags: Int32 = 0
    var refusal: Int32 = 0
}

///
/// `hasDestination`: a WSASendTo datagram with its own address, which needs no connected peer.
@inline(__always)
func checkSend(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>?, _ count: Int, _ dwFlags: DWORD,
    hasDestination: Bool = false
) -> SendCheck {
    guard let total = totalLength(buffers, count) else { return SendCheck(refusal: WSAEFAULT) }
    let (flags, refusal) = linuxSendFlags(dwFlags, on: record)
    if refusal != 0 { return SendCheck(refusal: refusal) }
    if record.sendShutDown.load(ordering: .relaxed) { return SendCheck(refusal: WSAESHUTDOWN) }
    guard hasDestination || record.isConnected else { return SendCheck(refusal: WSAENOTCONN) }
    // DWORD reports at most 4 GiB - 1 bytes: a larger call could not say what it sent.
    guard total <= Int(DWORD.max) else { return SendCheck(refusal: WSAEINVAL) }
    if record.isDatagram && total > record.maxMessageSize { return SendCheck(refusal: WSAEMSGSIZE) }
    return SendCheck(total: total, flags: flags)
}

/// A non-overlapped WSASend after the facade's argument checks: "WSASend adopts the same blocking
/// semantics as send". `destination` is a WSASendTo datagram's address (nil: the connected peer).
func sendNow(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>?, _ count: Int, total: Int, flags: Int32,
    context: ThreadContext, to destination: UnsafePointer<SendDestination>? = nil
) -> SendResult {
    let blocking = !record.nonBlocking.load(ordering: .relaxed)
    // A blocking call made inside a completion routine that interrupted another blocking call is
    // undefined in the documentation; here it fails ("Differences from Windows").
    if blocking && context.waiter.isInsideRoutineOfBlockingCall { return .failure(WSAEINPROGRESS) }
    // A datagram goes around an idle queue: see `sendDatagramAroundQueue`.
    if record.isDatagram && record.sendQueue.isIdle,
        let result = sendDatagramAroundQueue(
            record, buffers, count, flags: flags, blocking: blocking, context: context, to: destination)
    {
        return result
    }
    // SO_SNDTIMEO bounds the whole call, the wait behind other threads' sends included (Linux would
    // restart it at every sendmsg; "Differences from Windows").
    let deadline = blocking ? Deadline.after(milliseconds: record.sendTimeout.load(ordering: .relaxed)) : nil

    var waited = false
    switch record.sendQueue.admit(blocking: blocking, context: context, record: record) {
    case .granted:
        break
    case .busy:
        return .failure(WSAEWOULDBLOCK)
    case .closed:
        return .failure(WSAEINTR)
    case .parkedAhead:
        preconditionFailure("admit flushes parked sends before it answers")
    case .queued(let ticket):
        switch waitForTurn(ticket, record: record, context: context, deadline: deadline) {
        case .granted: waited = true
        case .closed: return .failure(WSAEINTR)
        case .timedOut: return .failure(WSAETIMEDOUT)
        }
    }
    defer { record.sendQueue.release(record: record) }

    if record.isDatagram {
        let result = sendDatagram(
            record, buffers, count, flags: flags, blocking: blocking, mayWait: true, context: context, to: destination)
        return result.unsafelyUnwrapped  // nil only for a call that may not wait
    }
    guard let buffers, total > 0 else { return SendResult(code: 0, bytes: 0) }
    return sendStreamNow(
        record, buffers, count, flags: flags, blocking: blocking, deadline: deadline, waited: waited,
        context: context)
}

/// How a queued caller's wait for the transmitter ended.
private enum Turn { case granted, closed, timedOut }

/// Waits, alertably, until the queue hands this caller the transmitter, the socket closes, or the
/// deadline (SO_SNDTIMEO) passes.
private func waitForTurn(
    _ ticket: SendQueue.Ticket, record: SocketRecord, context: ThreadContext, deadline: Deadline?
) -> Turn {
    context.waiter.inBlockingCall = true
    defer { context.waiter.inBlockingCall = false }
    while !ticket.granted.load(ordering: .acquiring) {
        // withdraw gives the transmitter back if it was granted in the meantime.
        if record.closed.load(ordering: .acquiring) {
            record.sendQueue.withdraw(ticket).perform(for: record)
            return .closed
        }
        if let deadline, deadline.hasPassed {
            record.sendQueue.withdraw(ticket).perform(for: record)
            return .timedOut
        }
        _ = context.waiter.wait(until: deadline, alertable: true)
    }
    return .granted
}

/// Inlined into its one caller: left to the optimizer, it was outlined as soon as the waits it may call
/// grew a little, which cost a blocking 1x64 WSASend 54 instructions a call (callgrind: 216 -> 270).
@inline(__always)
private func sendStreamNow(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>, _ count: Int, flags: Int32, blocking: Bool,
    deadline: Deadline?, waited: Bool, context: ThreadContext
) -> SendResult {
    // The kernel may block in sendmsg only when no completion routine can arrive during the wait (the
    // thread has no overlapped operation pending); otherwise the loop waits alertably itself. After a
    // wait in the queue, part of the timeout is spent, and a sendmsg blocking in the kernel would get all
    // of SO_SNDTIMEO again. A non-blocking call never waits, so only a blocking one asks.
    let alertable = blocking && (context.operationPool.hasPending || context.waiter.hasQueuedRoutines)
    let firstMayBlock = !alertable && !(waited && deadline != nil)
    if count <= ThreadContext.iovecCapacity {
        // The common case: one sendmsg that the transport takes whole (or the only answer a non-blocking
        // socket gets). A blocking send that comes back short, or finds no room while it must wait
        // alertably, goes on in the general loop below from the bytes already taken.
        let first = sendWhole(
            record, buffers, count, flags: flags, blocking: blocking, mayBlock: blocking && firstMayBlock,
            context: context)
        switch first {
        case .done(let result):
            return result
        case .goOn(let sent):
            return sendRest(
                record, buffers, count, skipping: sent, flags: flags, blocking: blocking, deadline: deadline,
                alertable: alertable, firstMayBlock: false, context: context)
        }
    }
    return sendRest(
        record, buffers, count, skipping: 0, flags: flags, blocking: blocking, deadline: deadline,
        alertable: alertable, firstMayBlock: firstMayBlock, context: context)
}

/// How the first sendmsg of a call left it.
private enum FirstSend {
    /// The call's result: every byte taken, a non-blocking socket's answer, or an error.
    case done(SendResult)
    /// A blocking call that must go on (and wait) after `sent` bytes.
    case goOn(sent: Int)
}

/// One sendmsg of the whole array (at most IOV_MAX buffers), read in Winsock terms.
@inline(__always)
private func sendWhole(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>, _ count: Int, flags: Int32, blocking: Bool,
    mayBlock: Bool, context: ThreadContext
) -> FirstSend {
    let linuxFlags = mayBlock ? flags : flags | Int32(MSG_DONTWAIT)
    let result: Int
    let total: Int
    if count == 1 {
        // One buffer (not empty: the caller returned for a call of no bytes) is one sendto of it, without
        // a pass over the array to fill an iovec and a msghdr (callgrind, blocking 1x64: about 20
        // instructions a call).
        total = Int(buffers.pointee.len)
        result = system_sendBuffer(record.fd, buffers.pointee.buf, total, linuxFlags)
    } else {
        let message = context.sendScratch.message
        let used: Int
        (used, total) = SendCursor.fillWhole(buffers, count: count, into: message.pointee.msg_iov!)
        message.pointee.msg_iovlen = used
        result = system_sendMessage(record.fd, message, linuxFlags)
    }
    if result >= 0 {
        return result == total || !blocking ? .done(SendResult(code: 0, bytes: result)) : .goOn(sent: result)
    }
    let code = Int32(-result)
    if code == EAGAIN || code == EWOULDBLOCK {
        // Without MSG_DONTWAIT, EAGAIN on a blocking Linux socket means SO_SNDTIMEO ran out; with it, a call
        // waits for room in the general loop.
        if !blocking { return .done(.failure(WSAEWOULDBLOCK)) }
        return mayBlock ? .done(.failure(WSAETIMEDOUT)) : .goOn(sent: 0)
    }
    if record.closed.load(ordering: .acquiring) { return .done(.failure(WSAEINTR)) }
    return .done(.failure(ErrnoMapping.code(forErrno: code, in: record.situation(.send))))
}

/// The general stream loop, after `skipping` bytes already taken: partial answers, IOV_MAX slices, the
/// SO_SNDTIMEO deadline and alertable waits.
private func sendRest(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>, _ count: Int, skipping: Int, flags: Int32,
    blocking: Bool, deadline: Deadline?, alertable: Bool, firstMayBlock: Bool, context: ThreadContext
) -> SendResult {
    var transport = SocketTransport(fd: record.fd, flags: flags, context: context, alertable: alertable)
    var cursor = SendCursor(buffers: buffers, count: count)
    cursor.advance(by: skipping)
    if blocking { context.waiter.inBlockingCall = true }
    defer { context.waiter.inBlockingCall = false }
    let outcome = sendStream(
        &cursor, iov: context.sendScratch.iovecs, limit: ThreadContext.iovecCapacity, blocking: blocking,
        firstMayBlock: firstMayBlock, deadline: deadline, transport: &transport)
    switch outcome {
    case .complete(let sent), .partial(let sent):
        return SendResult(code: 0, bytes: sent + skipping)
    case .wouldBlock:
        return .failure(WSAEWOULDBLOCK)
    case .timedOut(let sent):
        return .failure(WSAETIMEDOUT, bytes: sent + skipping)
    case .failed(let code, let sent):
        if record.closed.load(ordering: .acquiring) { return .failure(WSAEINTR, bytes: sent + skipping) }
        return .failure(ErrnoMapping.code(forErrno: code, in: record.situation(.send)), bytes: sent + skipping)
    }
}

/// A datagram sent without taking the queue's transmitter, when nothing transmits or waits on the socket;
/// nil when the socket had no room and a blocking call must wait its turn after all.
///
/// The transmitter keeps two things: the bytes of two stream calls never interleave, and a call never
/// overtakes the sends queued before it. A datagram needs only the second: each sendmsg of a datagram is
/// one whole datagram, whatever other threads send at the same moment. An idle queue means every send
/// this thread made before is in the transport already (a send of this thread still queued or parked
/// keeps the queue busy until it is written), so this datagram can be written at once, and a send another
/// thread starts meanwhile is concurrent with it, in either order. Taking and giving back the transmitter
/// were the call's two locked instructions.
///
/// The sendmsg never waits in the kernel (MSG_DONTWAIT): a blocking call that finds no room goes the
/// queue's way and waits there, where SO_SNDTIMEO, closesocket and the alertable wait reach it. Nothing
/// was sent then, so the datagram keeps its place.
@inline(__always)
private func sendDatagramAroundQueue(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>?, _ count: Int, flags: Int32, blocking: Bool,
    context: ThreadContext, to destination: UnsafePointer<SendDestination>?
) -> SendResult? {
    sendDatagram(
        record, buffers, count, flags: flags, blocking: blocking, mayWait: false, context: context, to: destination)
}

/// One datagram of the buffers' concatenation (`transmitDatagram`), in Winsock terms.
///
/// `mayWait`: a blocking socket's sendmsg may wait in the kernel for room; when false, a blocking call
/// that finds no room gets nil (nothing was sent).
private func sendDatagram(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>?, _ count: Int, flags: Int32, blocking: Bool,
    mayWait: Bool, context: ThreadContext, to destination: UnsafePointer<SendDestination>?
) -> SendResult? {
    let sendFlags = blocking && mayWait ? flags : flags | Int32(MSG_DONTWAIT)
    let result = transmitDatagram(record, buffers, count, flags: sendFlags, context: context, to: destination)
    return datagramResult(result, record: record, blocking: blocking, mayWait: mayWait)
}

/// A datagram's sendmsg or sendto result in Winsock terms (see `sendDatagram`).
@inline(__always)
private func datagramResult(_ result: Int, record: SocketRecord, blocking: Bool, mayWait: Bool) -> SendResult? {
    if result >= 0 { return SendResult(code: 0, bytes: result) }
    let code = Int32(-result)
    if blocking && !mayWait && (code == EAGAIN || code == EWOULDBLOCK) { return nil }
    if record.closed.load(ordering: .acquiring) { return .failure(WSAEINTR) }
    return .failure(ErrnoMapping.code(forErrno: code, in: record.situation(.send)))
}
