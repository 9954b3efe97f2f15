/// Waits until one (or, with `fWaitAll`, every) event is signalled, the timeout passes, or, when
/// `fAlertable`, completion routines queued for this thread have run.
///
/// - Parameters:
///   - cEvents: 1 to WSA_MAXIMUM_WAIT_EVENTS (64).
///   - lphEvents: The event handles.
///   - fWaitAll: TRUE to wait for every event.
///   - dwTimeout: Milliseconds; 0 only checks, WSA_INFINITE never times out.
///   - fAlertable: TRUE lets queued completion routines run; the wait then returns WSA_WAIT_IO_COMPLETION
///     ("All waiting completion routines are called before the alertable thread's wait is satisfied").
/// - Returns: WSA_WAIT_EVENT_0 + the index of the lowest signalled event (WSA_WAIT_EVENT_0 when all are,
///   with `fWaitAll`), WSA_WAIT_IO_COMPLETION, WSA_WAIT_TIMEOUT, or WSA_WAIT_FAILED with
///   WSA_INVALID_PARAMETER (0 or more than 64 events, a nil array) or WSA_INVALID_HANDLE.
///
/// Signalled events are checked before queued routines, as Windows' wait does.
///
/// The corresponding Win32 function is `WSAWaitForMultipleEvents`.
public func WSAWaitForMultipleEvents(
    _ cEvents: DWORD, _ lphEvents: UnsafePointer<WSAEVENT>?, _ fWaitAll: BOOL, _ dwTimeout: DWORD,
    _ fAlertable: BOOL
) -> DWORD {
    guard Library.isStarted.load(ordering: .acquiring) else { return waitFailed(WSANOTINITIALISED) }
    guard let lphEvents, cEvents >= 1, cEvents <= WSA_MAXIMUM_WAIT_EVENTS else {
        return waitFailed(WSA_INVALID_PARAMETER)
    }
    let count = Int(cEvents)
    let waitAll = fWaitAll != FALSE
    let alertable = fAlertable != FALSE
    // Every handle is checked first; a wait that is already satisfied allocates nothing.
    for index in 0..<count where EventTable.lookupUnretained(lphEvents[index]) == nil {
        return waitFailed(WSA_INVALID_HANDLE)
    }
    if let index = satisfied(lphEvents, count, waitAll: waitAll) { return WSA_WAIT_EVENT_0 + DWORD(index) }

    let context = ThreadContext.current
    // The sends this thread parked go out now; their events may be the ones waited for.
    if ParkedSends.flush(context), let index = satisfied(lphEvents, count, waitAll: waitAll) {
        return WSA_WAIT_EVENT_0 + DWORD(index)
    }
    if alertable && context.waiter.runQueuedRoutines() { return WSA_WAIT_IO_COMPLETION }
    if dwTimeout == 0 { return WSA_WAIT_TIMEOUT }
    var events: [EventObject] = []
    events.reserveCapacity(count)
    for index in 0..<count {
        guard let event = EventTable.lookup(lphEvents[index]) else { return waitFailed(WSA_INVALID_HANDLE) }
        events.append(event)
    }
    let deadline = dwTimeout == WSA_INFINITE ? nil : Deadline.after(milliseconds: dwTimeout)
    for event in events { event.addWaiter(context) }
    defer { for event in events { event.removeWaiter(context) } }
    while true {
        if let index = satisfied(events, waitAll: waitAll) { return WSA_WAIT_EVENT_0 + DWORD(index) }
        switch context.waiter.wait(until: deadline, alertable: alertable) {
        case .routinesRan: return WSA_WAIT_IO_COMPLETION
        case .timedOut:
            if let index = satisfied(events, waitAll: waitAll) { return WSA_WAIT_EVENT_0 + DWORD(index) }
            return WSA_WAIT_TIMEOUT
        case .woken, .descriptorReady: continue
        }
    }
}

/// The index that satisfies the wait, if any, looking the handles up (they were checked valid).
private func satisfied(_ handles: UnsafePointer<WSAEVENT>, _ count: Int, waitAll: Bool) -> Int? {
    var first = -1
    var all = true
    for index in 0..<count {
        if EventTable.lookupUnretained(handles[index])?._withUnsafeGuaranteedRef({ $0.isSignalled }) == true {
            if first < 0 { first = index }
            if !waitAll { return index }
        } else {
            all = false
            if waitAll { return nil }
        }
    }
    return waitAll ? (all ? 0 : nil) : (first >= 0 ? first : nil)
}

/// The index that satisfies the wait, if any: the lowest signalled event, or 0 when all are (waitAll).
private func satisfied(_ events: [EventObject], waitAll: Bool) -> Int? {
    if waitAll { return events.allSatisfy { $0.isSignalled } ? 0 : nil }
    return events.firstIndex { $0.isSignalled }
}

private func waitFailed(_ code: Int32) -> DWORD {
    WSASetLastError(code)
    return WSA_WAIT_FAILED
}

/// Suspends the thread for `dwMilliseconds`; when `bAlertable`, queued completion routines run and end
/// the sleep early.
///
/// - Returns: 0 when the time passed, WAIT_IO_COMPLETION (0xC0) when completion routines ran.
///
/// The corresponding Win32 function is `SleepEx` (kernel32; it needs no WSAStartup).
public func SleepEx(_ dwMilliseconds: DWORD, _ bAlertable: BOOL) -> DWORD {
    let context = ThreadContext.current
    let alertable = bAlertable != FALSE
    ParkedSends.flush(context)
    if alertable && context.waiter.runQueuedRoutines() { return WAIT_IO_COMPLETION }
    if dwMilliseconds == 0 { return 0 }
    let deadline = dwMilliseconds == INFINITE ? nil : Deadline.after(milliseconds: dwMilliseconds)
    while true {
        switch context.waiter.wait(until: deadline, alertable: alertable) {
        case .routinesRan: return WAIT_IO_COMPLETION
        case .timedOut: return 0
        case .woken, .descriptorReady: continue
        }
    }
}
