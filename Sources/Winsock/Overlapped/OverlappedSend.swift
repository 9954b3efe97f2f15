import Glibc

/// Limits and facts of the overlapped engine.
public enum OverlappedIO {
    /// The most overlapped sends one socket may have outstanding; past it WSASend gives WSAEWOULDBLOCK
    /// ("There are too many outstanding overlapped I/O requests") instead of growing without bound.
    public static let maximumOutstandingPerSocket = 4096

    /// Starts the engine that every overlapped send needs (the first overlapped WSASend of the process
    /// would): 0, or WSAEMFILE when the process or the system is out of descriptors for its wake-up
    /// eventfd, WSAENOBUFS when it is out of memory or threads. An application may call it ahead of its
    /// sends to learn why they would fail with WSAENOBUFS; a later call tries again.
    public static func startEngine() -> Int32 { OverlappedEngine.start() }

    /// The engine's backend: "io_uring", or "poll" with the reason io_uring could not be used
    /// (`WSASEND_BACKEND=poll` selects it). Starts the engine; "none" with the reason when it cannot start.
    public static var backend: String {
        let code = OverlappedEngine.start()
        guard code == 0 else { return "none (the engine could not start: \(WSAError(code)))" }
        return OverlappedEngine.shared.backendName
    }
}

/// An overlapped WSASend (lpOverlapped or lpCompletionRoutine given), after the socket lookup.
///
/// When the socket's queue is idle and the application has collected every earlier completion on the
/// socket (on a datagram socket, whenever the queue is idle), the send is tried at once; if the transport
/// takes it all, WSASend returns 0 and the event is signalled or the routine queued ("the completion
/// routine will have already been scheduled").
/// Otherwise the operation waits in the socket's queue for the engine, which gathers queued sends into
/// one sendmsg, and WSASend returns WSA_IO_PENDING. Either way the bytes go out in call order. A
/// non-blocking socket behaves the same: WSA_IO_PENDING, never WSAEWOULDBLOCK. `destination` is a
/// WSASendTo datagram's address (nil: the connected peer), copied into the operation.
///
/// Never inlined into WSASend: its body there made the compiler spill registers on the blocking path
/// too (callgrind, release, 1x64: blocking WSASend 228 instructions a call inlined, 219 not; the
/// overlapped run's whole process 1,381 against 1,392 a call, a call's cost on the longer path).
@inline(never)
func sendOverlapped(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ dwFlags: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>? = nil
) -> Int32 {
    // A routine needs the structure it will be handed back.
    guard let overlapped else { return socketError(WSAEFAULT) }
    // "The socket is not created with the overlapped flag."
    guard record.overlappedAttribute else { return socketError(WSAEINVAL) }
    let check = checkSend(record, buffers, count, dwFlags, hasDestination: destination != nil)
    if check.refusal != 0 { return socketError(check.refusal) }
    // "If lpCompletionRoutine is not NULL, the hEvent parameter is ignored" (it is the caller's context).
    var event: Unmanaged<EventObject>?
    if routine == nil, let handle = overlapped.pointee.hEvent {
        // The caller's context is at hand: its event cache directly, not through the thread-local lookup.
        guard let found = context.handleCaches.event(UInt(bitPattern: handle)) else {
            return socketError(WSA_INVALID_HANDLE)
        }
        event = found
    }
    guard record.overlappedOutstanding.load(ordering: .relaxed) < OverlappedIO.maximumOutstandingPerSocket else {
        return socketError(WSAEWOULDBLOCK)
    }
    if !record.engineRegistered.load(ordering: .relaxed) {
        // The engine starts with the process's first overlapped send. Out of descriptors for its eventfd
        // (or of threads), the send is not initiated: WSAENOBUFS, WSASend's code for a provider out of
        // resources ("No buffer space is available"); a later call tries again.
        guard OverlappedEngine.start() == 0 else { return socketError(WSAENOBUFS) }
        if !record.engineRegistered.exchange(true, ordering: .acquiringAndReleasing) {
            OverlappedEngine.shared.post(.work(record))
        }
    }

    return start(
        record, buffers, count, bytesSent, check.flags, overlapped, routine, event: event, context: context,
        to: destination)
}

/// The overlapped send after its checks: the operation starts, at once or in the socket's queue.
private func start(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ flags: Int32, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, event: Unmanaged<EventObject>?, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>?
) -> Int32 {
    // Reusing the structure collects its previous completion.
    CollectionMark.collect(overlapped, on: record)
    if record.isDatagram && count <= ThreadContext.iovecCapacity,
        let status = sendDatagramAtOnce(
            record, buffers, count, bytesSent, flags, overlapped, routine, event: event, context: context,
            to: destination)
    {
        return status
    }
    // A stream send waits behind uncollected completions so that a burst is gathered into one sendmsg;
    // a datagram is its own sendmsg however it goes out, so it is tried at once whenever the queue is
    // idle: queueing it, parking the socket and flushing it in the next wait made the same system call
    // for some 500 instructions more (callgrind, 1x1400 with 64 outstanding: 1,626 instructions a
    // datagram for the whole process against 1,107).
    let mayTryInline = record.isDatagram || record.uncollectedCompletions.load(ordering: .relaxed) == 0
    // "hEvent is reset when the operation starts"; Internal says pending until completion.
    event?._withUnsafeGuaranteedRef { $0.reset() }
    cwinsock_overlapped_publish(overlapped, UInt(UInt32(bitPattern: WSA_IO_PENDING)), 0)
    cwinsock_overlapped_store_mark(overlapped, CollectionMark.uncollected)
    record.uncollectedCompletions.wrappingAdd(1, ordering: .relaxed)
    record.overlappedOutstanding.wrappingAdd(1, ordering: .relaxed)

    let operation = context.operationPool.take()
    operation.with { operation in
        operation.record = record
        operation.overlapped = overlapped
        operation.retain(event: event)
        operation.routine = routine
        operation.retain(issuer: context)
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
/// taken, nothing queued). Nil when the socket's queue is busy or the send buffer is full: the datagram
/// then goes the way of any overlapped send. A failure is the call's own ("not successfully initiated").
/// Out of line: inlined into every overlapped send it made the stream path take a third retain (and
/// release) a call (callgrind, 1x64 x64: about 80 instructions more a call).
@inline(never)
private func sendDatagramAtOnce(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ flags: Int32, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, event: Unmanaged<EventObject>?, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>?
) -> Int32? {
    guard case .granted = record.sendQueue.admit(blocking: false, context: context, record: record) else { return nil }
    // "hEvent is reset when the operation starts."
    event?._withUnsafeGuaranteedRef { $0.reset() }
    let iovecs = context.sendScratch.iovecs
    var message = msghdr()
    message.msg_iov = iovecs
    message.msg_iovlen = buffers.map { SendCursor.fillWhole($0, count: count, into: iovecs).count } ?? 0
    message.address(destination)
    var result = system_sendMessage(record.fd, &message, flags | Int32(MSG_DONTWAIT))
    if result == -Int(ECONNREFUSED) && !record.reportsPortUnreachable.load(ordering: .relaxed) {
        result = system_sendMessage(record.fd, &message, flags | Int32(MSG_DONTWAIT))
    }
    record.sendQueue.release(record: record)
    if result == -Int(EAGAIN) || result == -Int(EWOULDBLOCK) { return nil }
    if result < 0 {
        let code = ErrnoMapping.code(forErrno: Int32(-result), in: record.situation(.send))
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
            record.uncollectedCompletions.wrappingSubtract(1, ordering: .relaxed)
            record.overlappedOutstanding.wrappingSubtract(1, ordering: .relaxed)
        }
    }
    OperationPool.give(reference, onIssuingThread: true)
    return socketError(code)
}
