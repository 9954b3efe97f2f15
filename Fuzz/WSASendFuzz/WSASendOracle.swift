import Winsock

/// Makes one decoded call on the shared loopback pair and checks the contract's answer:
/// - WSASend returns 0 or SOCKET_ERROR, and a SOCKET_ERROR's code is one the error catalog has;
/// - a nil pointer with a length never succeeds;
/// - an overlapped call that returns 0 or WSA_IO_PENDING completes (by its event, or its routine in an
///   alertable wait) with a cataloged status, and an immediate count agrees with the completion's;
/// - the peer reads exactly the bytes reported sent (the first bytes of the array, in order).
enum WSASendOracle {
    static func check(_ call: FuzzCall) {
        let pair = LoopbackPair.shared
        var argument: ULONG = call.mode == .nonBlocking ? 1 : 0
        precondition(ioctlsocket(pair.sender, FIONBIO, &argument) == 0, "FIONBIO: \(WSAGetLastError())")
        var buffers = call.buffers ?? []
        var sent: DWORD = 0xDEAD_BEEF
        let overlapped = call.mode == .event || call.mode == .routine
        var slot = WSAOVERLAPPED()
        if call.mode == .event { slot.hEvent = WSACreateEvent() }
        defer { if call.mode == .event { _ = WSACloseEvent(slot.hEvent) } }
        RoutineResult.reset()
        let status = buffers.withUnsafeMutableBufferPointer { array in
            withUnsafeMutablePointer(to: &slot) { slotPointer in
                withUnsafeMutablePointer(to: &sent) { sentPointer in
                    WSASend(
                        pair.sender, call.buffers == nil ? nil : array.baseAddress, call.count,
                        call.countsBytes ? sentPointer : nil, call.flags, overlapped ? slotPointer : nil,
                        call.mode == .routine ? RoutineResult.routine : nil)
                }
            }
        }
        let code = status == 0 ? 0 : WSAGetLastError()
        let what = "\(call.mode) call of \(call.count) buffers, flags \(call.flags)"
        precondition(status == 0 || status == SOCKET_ERROR, "\(what): WSASend returned \(status)")
        precondition(
            status == 0 || WSAErrorCatalog.info(for: code) != nil, "\(what): code \(code) is not in the catalog")
        precondition(!(status == 0 && call.hasNilWithLength), "\(what): a nil pointer with a length was accepted")
        // The caller's array may be reused at once: "the WSABUF structures ... can be ephemeral".
        for index in buffers.indices { buffers[index] = WSABUF(len: 0, buf: nil) }

        var reported = 0
        if overlapped && (status == 0 || code == WSA_IO_PENDING) {
            let completed = complete(call, slot: &slot, what: what)
            if status == 0 && call.countsBytes {
                precondition(Int(sent) == completed, "\(what): returned \(sent) bytes, completed with \(completed)")
            }
            reported = completed
        } else if call.countsBytes && sent != 0xDEAD_BEEF {
            reported = Int(sent)
        }
        precondition(reported <= call.totalBytes, "\(what): \(reported) bytes reported of \(call.totalBytes) offered")
        if status == 0 && !overlapped && call.mode == .blocking {
            precondition(reported == call.totalBytes, "\(what): a blocking call returned 0 with \(reported) bytes")
        }
        pair.expect(call.bytes(sent: reported), what: what)
    }

    /// Waits for an overlapped call's completion and returns its byte count.
    private static func complete(_ call: FuzzCall, slot: inout WSAOVERLAPPED, what: String) -> Int {
        let pair = LoopbackPair.shared
        if call.mode == .event {
            var event = slot.hEvent
            let waited = WSAWaitForMultipleEvents(1, &event, TRUE, 10_000, FALSE)
            precondition(waited == WSA_WAIT_EVENT_0, "\(what): the event was not signalled (\(waited))")
            var transferred: DWORD = 0
            var flags: DWORD = 0
            let done = withUnsafeMutablePointer(to: &slot) {
                WSAGetOverlappedResult(pair.sender, $0, &transferred, FALSE, &flags)
            }
            if done == FALSE {
                let failure = WSAGetLastError()
                precondition(WSAErrorCatalog.info(for: failure) != nil, "\(what): completion code \(failure)")
            }
            return Int(transferred)
        }
        var rounds = 0
        while !RoutineResult.called {
            precondition(rounds < 100, "\(what): the completion routine never ran")
            _ = SleepEx(100, TRUE)
            rounds += 1
        }
        let error = RoutineResult.error
        precondition(error == 0 || WSAErrorCatalog.info(for: Int32(error)) != nil, "\(what): routine error \(error)")
        return Int(RoutineResult.transferred)
    }
}

/// What the completion routine was given. The routine runs on the fuzzing thread, in its alertable wait.
enum RoutineResult {
    nonisolated(unsafe) static var called = false
    nonisolated(unsafe) static var error: DWORD = 0
    nonisolated(unsafe) static var transferred: DWORD = 0

    static func reset() { (called, error, transferred) = (false, 0, 0) }

    static let routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE = { error, transferred, _, _ in
        precondition(!RoutineResult.called, "a completion routine ran twice")
        RoutineResult.called = true
        RoutineResult.error = error
        RoutineResult.transferred = transferred
    }
}
