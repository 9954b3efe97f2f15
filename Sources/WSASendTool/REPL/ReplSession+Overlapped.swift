import Winsock

// The overlapped side: posting a send, and seeing sends end through events or completion routines.
extension ReplSession {
    /// One overlapped WSASend; true when it failed at once (no event, no routine).
    func postOverlapped(
        lengths: [UInt32], payload: ReplPayload, emit: (String) -> Void, outcome: inout ReplOutcome
    ) -> Bool {
        guard let socket else { return true }
        let routine = settings.mode == .routine
        let operation = ReplOperation(id: nextID, lengths: lengths, payload: payload, routine: routine, session: self)
        if !routine && operation.overlapped.pointee.hEvent == WSA_INVALID_EVENT {
            let error = WSAError(WSAGetLastError())
            outcome.error = "WSACreateEvent failed: \(error.name) (\(error.code))"
            return true
        }
        nextID += 1
        var sent: DWORD = 0
        let started = MonotonicClock.now()
        let completion: LPWSAOVERLAPPED_COMPLETION_ROUTINE? = routine ? replCompletionRoutine : nil
        let status =
            destinationOfCalls.map { destination in
                destination.withSockaddr {
                    WSASendTo(
                        socket, operation.buffers.baseAddress, operation.count, &sent, settings.flags, $0, $1,
                        operation.overlapped, completion)
                }
            }
            ?? WSASend(
                socket, operation.buffers.baseAddress, operation.count, &sent, settings.flags, operation.overlapped,
                completion)
        let code = status == 0 ? 0 : WSAGetLastError()
        let ended = MonotonicClock.now()
        record(status: status, code: code, sent: UInt64(sent), offered: operation.offered, at: started, ended: ended)
        outcome.calls.append(ReplOutcome.Call(id: operation.id, returnValue: status, code: code, bytes: UInt64(sent)))
        let name = "#\(operation.id) \(destinationOfCalls == nil ? "WSASend" : "WSASendTo")"
        if status == 0 {
            operation.immediate = true
            if routine {
                emit("\(name) = 0, \(sent) bytes, completed immediately (its routine runs in the next wait)")
                operations.append(operation)
            } else {
                var bytes: DWORD = 0
                var flags: DWORD = 0
                _ = WSAGetOverlappedResult(socket, operation.overlapped, &bytes, FALSE, &flags)
                emit("\(name) = 0, \(sent) bytes, completed immediately (event signalled)")
            }
            return false
        }
        let error = WSAError(code)
        guard code == WSA_IO_PENDING else {
            emit("\(name) = SOCKET_ERROR, \(error.name) (\(error.code))")
            return code != WSAEWOULDBLOCK
        }
        emit("\(name) = SOCKET_ERROR, \(error.name) (\(error.code)): \(operation.offered) bytes in flight")
        operations.append(operation)
        return false
    }

    func listPending(emit: (String) -> Void) -> ReplOutcome {
        if operations.isEmpty { emit("no sends pending") }
        let now = MonotonicClock.now()
        for operation in operations {
            let age = Units.duration(Double(now &- operation.postedAt))
            if operation.finished || operation.immediate {
                emit("#\(operation.id)  \(operation.offered) bytes  completed; its routine runs in the next wait")
            } else {
                emit("#\(operation.id)  \(operation.offered) bytes  pending for \(age)")
            }
        }
        return ReplOutcome()
    }

    /// An alertable wait in slices (so that Ctrl-C ends it): until nothing is pending, or the timeout.
    /// With nothing pending it sleeps the timeout alertably, as SleepEx would.
    func wait(timeout: UInt64?, emit: (String) -> Void) -> ReplOutcome {
        var outcome = ReplOutcome()
        let sleepOnly = operations.isEmpty
        if sleepOnly && timeout == nil {
            emit("no sends pending: nothing to wait for (give a timeout to sleep alertably)")
            return outcome
        }
        let deadline = timeout.map { MonotonicClock.now() &+ $0 }
        while true {
            if interrupt.take() {
                emit("wait interrupted\(operations.isEmpty ? "" : ": \(operations.count) sends still pending")")
                return outcome
            }
            if !sleepOnly && operations.isEmpty { return outcome }
            var slice = ReplInterrupt.slice
            if let deadline {
                let now = MonotonicClock.now()
                if now >= deadline {
                    if !sleepOnly { emit("wait timed out: \(operations.count) sends still pending") }
                    return outcome
                }
                slice = min(slice, (deadline - now + 999_999) / 1_000_000)
            }
            waitAlertably(milliseconds: DWORD(slice))
            collect(emit: emit, outcome: &outcome)
        }
    }

    /// One alertable wait: SleepEx for routines, or WSAWaitForMultipleEvents on the oldest 64 events.
    func waitAlertably(milliseconds: DWORD) {
        let events: [WSAEVENT] = operations.filter(\.ownsEvent).prefix(Int(WSA_MAXIMUM_WAIT_EVENTS)).map {
            $0.overlapped.pointee.hEvent
        }
        if events.isEmpty {
            _ = SleepEx(milliseconds, TRUE)
        } else {
            _ = events.withUnsafeBufferPointer {
                WSAWaitForMultipleEvents(DWORD($0.count), $0.baseAddress, FALSE, milliseconds, TRUE)
            }
        }
    }

    /// Prints and forgets the sends seen to the end: the routines that ran, in the order they ran, or
    /// the events signalled, oldest first.
    func collect(emit: (String) -> Void, outcome: inout ReplOutcome) {
        let ran = routinesRun
        routinesRun.removeAll()
        for id in ran {
            guard let index = operations.firstIndex(where: { $0.id == id }) else { continue }
            let operation = operations.remove(at: index)
            finish(operation, how: "routine ran: dwError", emit: emit, outcome: &outcome)
        }
        while let index = operations.firstIndex(where: { $0.ownsEvent && HasOverlappedIoCompleted($0.overlapped) }) {
            let operation = operations.remove(at: index)
            var bytes: DWORD = 0
            var flags: DWORD = 0
            var status: Int32 = 0
            if let socket, WSAGetOverlappedResult(socket, operation.overlapped, &bytes, FALSE, &flags) == FALSE {
                status = WSAGetLastError()
            }
            if socket == nil || status == WSAENOTSOCK {
                // The socket is closed: Internal and InternalHigh still say how the send ended.
                status = Int32(truncatingIfNeeded: operation.overlapped.pointee.Internal)
                bytes = DWORD(truncatingIfNeeded: operation.overlapped.pointee.InternalHigh)
            }
            operation.status = status
            operation.bytes = UInt64(bytes)
            operation.finished = true
            finish(operation, how: "event signalled: WSAGetOverlappedResult =", emit: emit, outcome: &outcome)
        }
    }

    private func finish(_ operation: ReplOperation, how: String, emit: (String) -> Void, outcome: inout ReplOutcome) {
        let after = Units.duration(Double(MonotonicClock.now() &- operation.postedAt))
        let routine = !operation.ownsEvent
        let result: String
        if operation.status == 0 {
            result = routine ? "0" : "TRUE"
        } else {
            let error = WSAError(operation.status)
            result = (routine ? "" : "FALSE, ") + "\(error.name) (\(error.code))"
        }
        emit("#\(operation.id) \(how) \(result), \(operation.bytes) bytes, \(after) after the call")
        outcome.completions.append(
            ReplOutcome.Completion(id: operation.id, code: operation.status, bytes: operation.bytes))
        lastCallAt = MonotonicClock.now()
        guard !operation.immediate else { return }
        counters.bytesSent += operation.bytes
        if operation.status == 0 {
            counters.sets += 1
        } else {
            counters.failed += 1
            counters.completionCodes.add(operation.status)
        }
    }

    /// After closesocket or SIO_FLUSH: every send has ended; alertable waits run the routines (at most
    /// for a few seconds, in case one never comes), and each is printed.
    func collectAll(emit: (String) -> Void, outcome: inout ReplOutcome) {
        let deadline = MonotonicClock.now() &+ 5_000_000_000
        collect(emit: emit, outcome: &outcome)
        while !operations.isEmpty && MonotonicClock.now() < deadline {
            if interrupt.take() { break }
            waitAlertably(milliseconds: 10)
            collect(emit: emit, outcome: &outcome)
        }
        if !operations.isEmpty {
            emit("\(operations.count) sends reported no end; they are forgotten")
            operations.removeAll()
        }
    }

    func result(id: UInt64, wait: Bool, emit: (String) -> Void) -> ReplOutcome {
        guard let socket else { return notConnected() }
        guard let operation = operations.first(where: { $0.id == id }) else {
            let known =
                operations.isEmpty
                ? "none is pending" : "pending: " + operations.map { "#\($0.id)" }.joined(separator: ", ")
            return .failure("no send #\(id) is unfinished (\(known))")
        }
        if wait {
            // fWait TRUE waits without being alertable and without Ctrl-C; the wait happens here in
            // slices instead, and WSAGetOverlappedResult is called once the send has ended.
            while !HasOverlappedIoCompleted(operation.overlapped) {
                if interrupt.take() {
                    emit("result interrupted: #\(id) is still pending")
                    return ReplOutcome()
                }
                _ = SleepEx(DWORD(ReplInterrupt.slice), FALSE)
            }
        }
        var bytes: DWORD = 0
        var flags: DWORD = 0
        let ok = WSAGetOverlappedResult(socket, operation.overlapped, &bytes, wait ? TRUE : FALSE, &flags)
        let call = "WSAGetOverlappedResult(#\(id), fWait \(wait ? "TRUE" : "FALSE"))"
        if ok == TRUE {
            emit("\(call) = TRUE, \(bytes) bytes")
        } else {
            let error = WSAError(WSAGetLastError())
            emit("\(call) = FALSE, \(error.name) (\(error.code))")
            if error.code == WSA_IO_INCOMPLETE { return ReplOutcome() }
        }
        if operation.ownsEvent, let index = operations.firstIndex(where: { $0.id == id }) {
            operations.remove(at: index)
            operation.status = ok == TRUE ? 0 : WSAGetLastError()
            operation.bytes = UInt64(bytes)
            var outcome = ReplOutcome()
            if !operation.immediate {
                counters.bytesSent += operation.bytes
                if operation.status == 0 {
                    counters.sets += 1
                } else {
                    counters.failed += 1; counters.completionCodes.add(operation.status)
                }
            }
            outcome.completions.append(ReplOutcome.Completion(id: id, code: operation.status, bytes: operation.bytes))
            return outcome
        }
        return ReplOutcome()
    }

    func flush(emit: (String) -> Void) -> ReplOutcome {
        guard let socket else { return notConnected() }
        var returned: DWORD = 0
        let status = WSAIoctl(socket, SIO_FLUSH, nil, 0, nil, 0, &returned, nil, nil)
        guard status == 0 else {
            let error = WSAError(WSAGetLastError())
            return .failure("WSAIoctl SIO_FLUSH = SOCKET_ERROR, \(error.name) (\(error.code)): \(error.summary)")
        }
        emit("WSAIoctl SIO_FLUSH = 0")
        var outcome = ReplOutcome()
        collectAll(emit: emit, outcome: &outcome)
        return outcome
    }
}
