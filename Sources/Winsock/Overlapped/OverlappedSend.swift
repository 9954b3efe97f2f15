import Glibc

/// Limits and facts of the overlapped engine.
public enum OverlappedIO {
    /// The most overlapped sends one socket may have outstanding; past it WSASend gives WSAEWOULDBLOCK
    /// ("There are too many outstanding overlapped I/O requests") instead of growing without bound.
    public static let maximumOutstandingPerSocket = 4096

    /// Makes the engine that overlapped sends wait in (the first overlapped WSASend of the process
    /// would): 0, or WSAEMFILE when the process or the system is out of descriptors for its wake-up
    /// eventfd or its io_uring ring, WSAENOBUFS when it is out of memory. An application may call it
    /// ahead of its sends to learn why they would fail with WSAENOBUFS; a later call tries again. The
    /// engine's thread starts later, with the first send that has to wait for it: a stream socket's first
    /// overlapped send, or a datagram the socket could not take at once.
    public static func startEngine() -> Int32 { OverlappedEngine.prepare() }

    /// The engine's backend: "io_uring", or "poll" with the reason io_uring could not be used
    /// (`WSASEND_BACKEND=poll` selects it). Makes the engine; "none" with the reason when it cannot.
    public static var backend: String {
        let code = OverlappedEngine.prepare()
        guard code == 0 else { return "none (the engine could not start: \(WSAError(code)))" }
        return OverlappedEngine.shared.backendName
    }
}

/// An overlapped WSASend (lpOverlapped or lpCompletionRoutine given) on a stream socket, after the socket
/// lookup (a datagram socket's is `sendOverlappedDatagram`).
///
/// When the socket's queue is idle, the application has collected every earlier completion on the
/// socket and its sends do not come in bursts (its last gathered write completed one send), the send is
/// tried at once; if the transport takes it all, WSASend returns 0 and the event is signalled or the
/// routine queued ("the completion routine will have already been scheduled").
/// Otherwise the operation waits in the socket's queue for the engine, which gathers queued sends into
/// one sendmsg, and WSASend returns WSA_IO_PENDING. Either way the bytes go out in call order. A
/// non-blocking socket behaves the same: WSA_IO_PENDING, never WSAEWOULDBLOCK.
///
/// Never inlined into WSASend: its body there made the compiler spill registers on the blocking path
/// too (callgrind, release, 1x64: blocking WSASend 228 instructions a call inlined, 219 not; the
/// overlapped run's whole process 1,381 against 1,392 a call, a call's cost on the longer path).
@inline(never)
func sendOverlapped(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ dwFlags: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, context: ThreadContext
) -> Int32 {
    let check = checkOverlapped(record, buffers, count, dwFlags, overlapped, routine, context: context)
    guard check.refusal == 0, let overlapped else { return socketError(check.refusal) }
    return start(
        record, buffers, count, bytesSent, check.flags, overlapped, routine, event: check.event,
        eventInSlot: check.eventInSlot, context: context, to: nil)
}

/// An overlapped WSASend or WSASendTo on a datagram socket, after the socket lookup. `destination` is a
/// WSASendTo datagram's address (nil: the connected peer), copied into the operation if it has to wait.
///
/// A datagram is one sendmsg however it goes out, so it is sent at once whenever the socket's queue is
/// idle, whatever completions the application has yet to collect; if the transport takes it (it is whole
/// or nothing), WSASend returns 0 and the event is signalled or the routine queued. Otherwise (a full
/// send buffer, sends queued ahead of it) it goes the way of any overlapped send (`start`). Its own entry
/// from WSASend, so that the common case runs in one function: through `sendOverlapped` it cost a second
/// call, with eleven arguments passed again. With the transmitter left alone and the event set without a
/// reset (`sendDatagramAtOnce`), the library's part of a datagram fell from 341 to 240 instructions
/// (callgrind, release, UDP 1x64 with 64 outstanding, the send loop alone).
@inline(never)
func sendOverlappedDatagram(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ dwFlags: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>? = nil
) -> Int32 {
    let check = checkOverlapped(
        record, buffers, count, dwFlags, overlapped, routine, context: context, hasDestination: destination != nil)
    guard check.refusal == 0, let overlapped else { return socketError(check.refusal) }
    // Reusing the structure collects its previous completion.
    CollectionMark.collect(overlapped, on: record)
    if count <= ThreadContext.iovecCapacity,
        let status = sendDatagramAtOnce(
            record, buffers, count, bytesSent, check.flags, overlapped, routine, event: check.event,
            context: context, to: destination)
    {
        return status
    }
    return startWaiting(
        record, buffers, count, bytesSent, check.flags, overlapped, routine, event: check.event,
        eventInSlot: check.eventInSlot, context: context, to: destination)
}

/// What the checks of an overlapped send found: the WSA code of the first that failed (0: none), the
/// Linux flags, and the event to signal (nil with a routine, or without hEvent), with whether this
/// thread's event cache keeps it for the operation (`eventInSlot`).
private struct OverlappedCheck {
    var refusal: Int32 = 0
    var flags: Int32 = 0
    var event: Unmanaged<EventObject>?
    var eventInSlot = false
}

/// The checks of an overlapped send, in the order that decides which code a bad call gets; it also
/// registers a stream socket with the engine, starting it with the process's first such send.
@inline(__always)
private func checkOverlapped(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int, _ dwFlags: DWORD,
    _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?, _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?,
    context: ThreadContext, hasDestination: Bool = false
) -> OverlappedCheck {
    // A routine needs the structure it will be handed back.
    guard let overlapped else { return OverlappedCheck(refusal: WSAEFAULT) }
    // "The socket is not created with the overlapped flag."
    guard record.overlappedAttribute else { return OverlappedCheck(refusal: WSAEINVAL) }
    let check = checkSend(record, buffers, count, dwFlags, hasDestination: hasDestination)
    if check.refusal != 0 { return OverlappedCheck(refusal: check.refusal) }
    // "If lpCompletionRoutine is not NULL, the hEvent parameter is ignored" (it is the caller's context).
    var event: Unmanaged<EventObject>?
    var eventInSlot = false
    if routine == nil, let handle = overlapped.pointee.hEvent {
        // The caller's context is at hand: its event cache directly, not through the thread-local lookup.
        guard let found = context.handleCaches.eventForOperation(UInt(bitPattern: handle)) else {
            return OverlappedCheck(refusal: WSA_INVALID_HANDLE)
        }
        (event, eventInSlot) = found
    }
    guard record.overlappedOutstanding < OverlappedIO.maximumOutstandingPerSocket else {
        return OverlappedCheck(refusal: WSAEWOULDBLOCK)
    }
    // A stream socket's sends may wait behind one another from the first, so the socket is registered
    // with the engine now; a datagram socket only when one of its datagrams has to wait (`startWaiting`).
    if record.isStream && !record.engineRegistered.load(ordering: .relaxed) {
        let refusal = registerWithEngine(record)
        if refusal != 0 { return OverlappedCheck(refusal: refusal) }
    }
    return OverlappedCheck(flags: check.flags, event: event, eventInSlot: eventInSlot)
}

/// Registers the socket with the engine, starting the engine (and its thread) if it has not started:
/// 0, or the refusal of a send that finds the engine unable to start. Out of descriptors for its eventfd
/// (or of threads), the send is not initiated: WSAENOBUFS, WSASend's code for a provider out of resources
/// ("No buffer space is available"); a later call tries again. Every operation that waits for the engine
/// is queued after this: a socket never registered has nothing for the engine to cancel.
@inline(never)
private func registerWithEngine(_ record: SocketRecord) -> Int32 {
    guard OverlappedEngine.start() == 0 else { return WSAENOBUFS }
    if !record.engineRegistered.exchange(true, ordering: .acquiringAndReleasing) {
        OverlappedEngine.shared.post(.work(record))
    }
    return 0
}

/// `start` for a datagram that could not go out at once, out of line: the stream path keeps it inline.
/// The datagram waits for the engine, so its socket is registered first (the engine's thread starts with
/// the process's first such datagram).
@inline(never)
private func startWaiting(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ flags: Int32, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, event: Unmanaged<EventObject>?, eventInSlot: Bool,
    context: ThreadContext, to destination: UnsafePointer<SendDestination>?
) -> Int32 {
    if !record.engineRegistered.load(ordering: .relaxed) {
        let refusal = registerWithEngine(record)
        if refusal != 0 { return socketError(refusal) }
    }
    return start(
        record, buffers, count, bytesSent, flags, overlapped, routine, event: event, eventInSlot: eventInSlot,
        context: context, to: destination)
}

/// The overlapped send after its checks: the operation starts, at once or in the socket's queue.
@inline(__always)
private func start(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ flags: Int32, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, event: Unmanaged<EventObject>?, eventInSlot: Bool,
    context: ThreadContext, to destination: UnsafePointer<SendDestination>?
) -> Int32 {
    // Reusing the structure collects its previous completion (a datagram's entry did already).
    if record.isStream { CollectionMark.collect(overlapped, on: record) }
    // A stream send waits behind uncollected completions so that a burst is gathered into one sendmsg,
    // and so does the first send of a burst once the socket's sends come in bursts: tried at once, it
    // cost a system call of its own for each burst, and with it the receiver's wake-up (event mode, 1x64
    // with 64 outstanding: 1.26 times the calls a second without it, ten alternating rounds). A lone
    // send, or the first after a gathered write of one send, is still tried at once. A datagram is its
    // own sendmsg however it goes out, so it is tried at once whenever the queue is idle: queueing it,
    // parking the socket and flushing it in the next wait made the same system call for some 500
    // instructions more (callgrind, 1x1400 with 64 outstanding: 1,626 instructions a datagram for the
    // whole process against 1,107).
    let mayTryInline =
        record.isDatagram
        || (record.uncollectedCompletions == 0 && !record.sendsComeInBursts.load(ordering: .relaxed))
    // "hEvent is reset when the operation starts"; Internal says pending until completion.
    event?._withUnsafeGuaranteedRef { $0.resetAsOperationStarts() }
    cwinsock_overlapped_publish(overlapped, UInt(UInt32(bitPattern: WSA_IO_PENDING)), 0)
    cwinsock_overlapped_store_mark(overlapped, CollectionMark.uncollected)
    record.overlappedCounts.wrappingAdd(
        SocketRecord.outstandingUnit + SocketRecord.uncollectedUnit, ordering: .relaxed)

    let operation = context.operationPool.take()
    operation.with { operation in
        operation.record = record
        operation.overlapped = overlapped
        operation.keep(event: event, inSlot: eventInSlot)
        operation.routine = routine
        operation.setIssuer(context)
        operation.linuxFlags = flags
        operation.capture(buffers, count: count, datagram: record.isDatagram)
        operation.setDestination(destination)
    }

    if mayTryInline, case .granted = record.sendQueue.admit(blocking: false, context: context, record: record) {
        switch tryInline(operation, record: record, context: context) {
        case .completed(let bytes):
            record.sendQueue.release(record: record)
            complete(operation, status: 0, bytes: bytes, inline: true)
            bytesSent?.pointee = DWORD(truncatingIfNeeded: bytes)
            WSASetLastError(0)
            return 0
        case .unfinished:
            record.sendQueue.releaseCaller(leaving: operation).perform(for: record)
            return socketError(WSA_IO_PENDING)
        case .failed(let code):
            record.sendQueue.release(record: record)
            return notInitiated(operation, code: code)
        }
    }
    switch record.sendQueue.appendOverlapped(operation) {
    case .closed: return notInitiated(operation, code: WSAENOTSOCK)
    case .parked:
        context.parkedSockets.park(record)
        Handoff.parked.perform(for: record)
    case .queued: break
    }
    // "In this case, lpNumberOfBytesSent is not updated."
    return socketError(WSA_IO_PENDING)
}

/// A datagram the transport takes at once, sent from the caller's own WSABUF array: the operation
/// completes inside the call, so it needs no operation record (no buffers captured, no references
/// taken, nothing queued). Nil when sends wait on the socket or its send buffer is full: the datagram
/// then goes the way of any overlapped send. A failure is the call's own ("not successfully initiated").
///
/// On an idle socket the datagram goes out without taking the transmitter (`SendQueue.isIdle`: one load
/// instead of two compare-and-swaps). The event is not reset first, only set after: "hEvent is reset
/// when the operation starts" and set when it completes, both inside this call, so no thread could tell
/// the two apart (a wait that saw it signalled meanwhile is one that ran before the call). A datagram
/// that fails or has to wait resets it, as that rule says.
@inline(__always)
private func sendDatagramAtOnce(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ flags: Int32, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, event: Unmanaged<EventObject>?, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>?
) -> Int32? {
    let result: Int
    if record.sendQueue.isIdle {
        result = transmitDatagram(
            record, buffers, count, flags: flags | Int32(MSG_DONTWAIT), context: context, to: destination)
    } else {
        // Something transmits or waits: the transmitter decides (overlapped sends parked ahead go first).
        guard case .granted = record.sendQueue.admit(blocking: false, context: context, record: record) else {
            return nil
        }
        result = transmitDatagram(
            record, buffers, count, flags: flags | Int32(MSG_DONTWAIT), context: context, to: destination)
        record.sendQueue.release(record: record)
    }
    if result < 0 {
        if result == -Int(EAGAIN) || result == -Int(EWOULDBLOCK) { return nil }
        let code = ErrnoMapping.code(forErrno: Int32(-result), in: record.situation(.send))
        event?._withUnsafeGuaranteedRef { $0.resetAsOperationStarts() }
        cwinsock_overlapped_publish(overlapped, UInt(UInt32(bitPattern: code)), 0)
        return socketError(code)
    }
    // Completed, as `complete` reports an inline completion: the status and bytes, then the routine
    // queued or the event set. Not marked as a completion the application has yet to collect: only a
    // stream's sends wait behind those (`uncollectedCompletions`), and leaving the mark clear saves
    // the datagram two locked instructions (the count here, the exchange when the structure is reused).
    let bytes = DWORD(truncatingIfNeeded: result)
    cwinsock_overlapped_publish(overlapped, 0, UInt(result))
    if let routine {
        let queued = QueuedRoutine(
            routine: routine, error: 0, bytes: bytes, overlapped: overlapped, socket: record.handle, record: record)
        context.waiter.queueRoutine(queued)
    } else {
        event?._withUnsafeGuaranteedRef { $0.set() }
    }
    record.notifyCompletionWaiters()
    bytesSent?.pointee = bytes
    WSASetLastError(0)
    return 0
}

private enum InlineOutcome {
    case completed(bytes: Int)
    case unfinished
    case failed(Int32)
}

/// One non-blocking sendmsg of the operation by the issuing thread itself.
private func tryInline(_ reference: OperationRef, record: SocketRecord, context: ThreadContext) -> InlineOutcome {
    reference.with { operation in
        var message = msghdr()
        let iovecs = context.sendScratch.iovecs
        message.msg_iov = iovecs
        message.msg_iovlen = operation.fillUnsent(iovecs, limit: ThreadContext.iovecCapacity)
        message.address(operation.destinationAddress)
        if record.isStream && operation.total == 0 { return .completed(bytes: 0) }
        var result = system_sendMessage(record.fd, &message, operation.linuxFlags | Int32(MSG_DONTWAIT))
        if result == -Int(ECONNREFUSED) && record.isDatagram && !record.reportsPortUnreachable.load(ordering: .relaxed)
        {
            result = system_sendMessage(record.fd, &message, operation.linuxFlags | Int32(MSG_DONTWAIT))
        }
        if result >= 0 {
            if record.isDatagram { return .completed(bytes: result) }
            operation.advance(by: result)
            return operation.isFinished ? .completed(bytes: operation.total) : .unfinished
        }
        let code = Int32(-result)
        if code == EAGAIN || code == EWOULDBLOCK { return .unfinished }
        return .failed(ErrnoMapping.code(forErrno: code, in: record.situation(.send)))
    }
}

/// Undoes the bookkeeping of an operation that failed to start: "Any other error code indicates that the
/// overlapped operation was not successfully initiated and no completion indication will occur."
private func notInitiated(_ reference: OperationRef, code: Int32) -> Int32 {
    reference.with { operation in
        if let record = operation.record, let overlapped = operation.overlapped {
            cwinsock_overlapped_store_mark(overlapped, CollectionMark.collected)
            cwinsock_overlapped_publish(overlapped, UInt(UInt32(bitPattern: code)), 0)
            record.overlappedCounts.wrappingSubtract(
                SocketRecord.outstandingUnit + SocketRecord.uncollectedUnit, ordering: .relaxed)
        }
    }
    OperationPool.give(reference, onIssuingThread: true)
    return socketError(code)
}
