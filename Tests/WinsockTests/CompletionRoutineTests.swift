import Testing
import Winsock

@Suite("Completion routines")
struct CompletionRoutineTests {
    /// "The completion routine will not be invoked until the thread is in an alertable wait state."
    @Test(
        "routines run only in the issuing thread's alertable waits: SleepEx and WSAWaitForMultipleEvents",
        arguments: SendFunction.allCases)
    func onlyInAlertableWaits(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let result = try Worker { () -> [String] in
            var notes: [String] = []
            let slots = SendSlots(2)
            let payload = Payload(count: 100)
            let log = RoutineLog()
            var buffer = payload.wsabuf
            for index in 0..<2 {
                slots[index].pointee.hEvent = log.context
                let rc = function.call(pair.client.handle, &buffer, 1, nil, 0, slots[index], loggingRoutine)
                if rc == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING { notes.append("send failed") }
            }
            // Make sure both have completed before waiting alertably.
            for index in 0..<2 where !waitCompleted(slots[index]) { notes.append("not completed") }
            if SleepEx(20, FALSE) != 0 || !log.calls.isEmpty { notes.append("ran in a non-alertable wait") }
            var event = WSACreateEvent()
            if WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) != WSA_WAIT_TIMEOUT { notes.append("bad timeout") }
            if !log.calls.isEmpty { notes.append("ran in a non-alertable event wait") }
            if WSAWaitForMultipleEvents(1, &event, FALSE, 1000, TRUE) != WSA_WAIT_IO_COMPLETION {
                notes.append("alertable wait did not return WSA_WAIT_IO_COMPLETION")
            }
            // "All waiting completion routines are called before the alertable thread's wait is satisfied."
            if log.calls.count != 2 { notes.append("expected both routines, saw \(log.calls.count)") }
            if log.calls.contains(where: { $0.thread != currentThreadID() }) { notes.append("ran on another thread") }
            if log.calls.map(\.overlapped) != [UInt(bitPattern: slots[0]), UInt(bitPattern: slots[1])] {
                notes.append("wrong lpOverlapped arguments")
            }
            if log.calls.contains(where: { $0.error != 0 || $0.bytes != 100 || $0.flags != 0 }) {
                notes.append("wrong arguments: \(log.calls)")
            }
            if SleepEx(0, TRUE) != 0 { notes.append("a routine ran twice") }
            _ = WSACloseEvent(event)
            return notes
        }.join()
        #expect(result.isEmpty, "\(result)")
        _ = try readAll(pair.server, count: 200)
    }

    /// "SleepEx(ms, TRUE) returns WAIT_IO_COMPLETION" when a routine queued during the sleep runs.
    @Test(
        "a routine queued while the thread sleeps alertably wakes it with WAIT_IO_COMPLETION",
        arguments: SendFunction.allCases)
    func wakesAlertableSleep(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let drainer = Worker {
            pause(microseconds: 100_000)
            try drain(pair.server, count: filled + 10_000)
        }
        let outcome = try Worker { () -> (pending: Bool, before: Int, result: DWORD, after: Int, slept: UInt64) in
            let slots = SendSlots(1)
            let payload = Payload(count: 10_000)
            let log = RoutineLog()
            slots[0].pointee.hEvent = log.context
            var buffer = payload.wsabuf
            let status = function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], loggingRoutine)
            let pending = status == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING
            let before = log.calls.count
            let start = MonotonicClock.now()
            let result = SleepEx(INFINITE, TRUE)
            return (pending, before, result, log.calls.count, MonotonicClock.now() - start)
        }.join()
        try drainer.join()
        // The send could not complete at once (the send buffer is full), its routine had not run when the
        // sleep began, and the sleep lasted until the drainer made room (it starts after 100 ms): the
        // routine was queued while the thread slept, and woke it.
        #expect(outcome.pending, "the send completed at once: nothing was left to queue during the sleep")
        #expect(outcome.before == 0)
        #expect(outcome.result == WAIT_IO_COMPLETION)
        #expect(outcome.after == 1)
        #expect(outcome.slept >= 50_000_000, "slept \(outcome.slept) ns: the routine was queued before the sleep")
    }

    /// "The transport providers ... guarantee that, for a given socket, I/O completion routines will not
    /// be nested."
    @Test(
        "routines of one socket never nest, even when a routine waits alertably itself",
        arguments: SendFunction.allCases)
    func neverNested(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let outcome = try Worker { () -> (Int, Int, [DWORD]) in
            let slots = SendSlots(3)
            let payload = Payload(count: 10)
            let log = RoutineLog()
            var inner: [DWORD] = []
            log.onCall = { log, _ in
                if log.calls.count == 1 { inner.append(SleepEx(0, TRUE)) }
            }
            var buffer = payload.wsabuf
            for index in 0..<3 {
                slots[index].pointee.hEvent = log.context
                _ = function.call(pair.client.handle, &buffer, 1, nil, 0, slots[index], loggingRoutine)
            }
            for index in 0..<3 { _ = waitCompleted(slots[index]) }
            _ = SleepEx(0, TRUE)
            return (log.calls.count, log.maximumDepth, inner)
        }.join()
        #expect(outcome.0 == 3)
        #expect(outcome.1 == 1, "a routine ran inside another routine of the same socket")
        #expect(outcome.2 == [0], "the inner alertable wait must find nothing it may run")
        _ = try readAll(pair.server, count: 30)
    }

    /// "The WSASend function using overlapped I/O can be called from within the completion routine of a
    /// previous ... WSASend"; "hEvent ... can be used by the application to pass context information".
    @Test(
        "a routine may issue the next WSASend; hEvent carries the caller's context untouched",
        arguments: SendFunction.allCases)
    func sendFromRoutine(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let handle = pair.client.handle
        let outcome = try Worker { () -> (Int, Bool) in
            let slots = SendSlots(1)
            let payload = Payload(count: 1000)
            let log = RoutineLog()
            log.onCall = { log, overlapped in
                guard log.calls.count < 20, let overlapped else { return }
                var buffer = payload.wsabuf
                _ = function.call(handle, &buffer, 1, nil, 0, overlapped, loggingRoutine)
            }
            slots[0].pointee.hEvent = log.context
            var buffer = payload.wsabuf
            _ = function.call(handle, &buffer, 1, nil, 0, slots[0], loggingRoutine)
            while log.calls.count < 20 {
                if SleepEx(5000, TRUE) != WAIT_IO_COMPLETION { break }
            }
            return (log.calls.count, slots[0].pointee.hEvent == log.context)
        }.join()
        #expect(outcome.0 == 20)
        #expect(outcome.1)
        #expect(try readAll(pair.server, count: 20_000).count == 20_000)
    }

    /// The spec's note: "Winsock performs an alertable wait in this situation, which can be interrupted
    /// by an asynchronous procedure call (APC) scheduled on the same thread. Issuing another blocking
    /// Winsock call inside an APC that interrupted an ongoing blocking Winsock call ... will lead to
    /// undefined behavior" — defined here: the inner blocking call fails with WSAEINPROGRESS.
    @Test(
        "a blocking WSASend waits alertably; a blocking call inside its routine fails with WSAEINPROGRESS",
        arguments: SendFunction.allCases)
    func blockingSendIsAlertable(_ function: SendFunction) throws {
        let stuck = try OverlappedPair()
        let other = try OverlappedPair()
        let stuckFill = try fillSendBuffer(stuck)
        let otherFill = try fillSendBuffer(other)
        let stuckHandle = stuck.client.handle
        let otherHandle = other.client.handle
        let sender = Worker { () -> (Int32, Int32, [RoutineLog.Call], [Int32], Bool) in
            let slots = SendSlots(1)
            let small = Payload(count: 100)
            let log = RoutineLog()
            var innerCodes: [Int32] = []
            var blockingSendFinished = false
            var routineSawBlockingSend = false
            log.onCall = { _, _ in
                routineSawBlockingSend = !blockingSendFinished
                var buffer = small.wsabuf
                var sent: DWORD = 0
                let rc = function.call(otherHandle, &buffer, 1, &sent, 0, nil, nil)
                innerCodes.append(rc == SOCKET_ERROR ? WSAGetLastError() : 0)
            }
            slots[0].pointee.hEvent = log.context
            var buffer = small.wsabuf
            _ = function.call(otherHandle, &buffer, 1, nil, 0, slots[0], loggingRoutine)
            let big = Payload(count: 200_000)
            var bigBuffer = big.wsabuf
            var sent: DWORD = 0
            let rc = function.call(stuckHandle, &bigBuffer, 1, &sent, 0, nil, nil)
            blockingSendFinished = true
            return (rc, Int32(sent), log.calls, innerCodes, routineSawBlockingSend)
        }
        // Let the overlapped send complete while the blocking one is stuck, then free the stuck one.
        pause(microseconds: 100_000)
        try drain(other.server, count: otherFill + 100)
        pause(microseconds: 100_000)
        try drain(stuck.server, count: stuckFill + 200_000)
        let outcome = try sender.join()
        #expect(outcome.0 == 0)
        #expect(outcome.1 == 200_000)
        #expect(outcome.2.count == 1, "the routine must run inside the blocking send's wait")
        #expect(outcome.4, "the routine ran before the blocking send returned")
        #expect(outcome.3 == [WSAEINPROGRESS])
    }
}
