import Winsock

// `send N`, `send "text"`, `send hex ...`: WSASend with the current settings, every call printed.
extension ReplSession {
    func send(count: UInt64, emit: (String) -> Void) -> ReplOutcome {
        let lengths = settings.buffers.lengths
        let payload: ReplPayload
        if let pattern {
            payload = pattern
        } else {
            payload = ReplPayload(count: Int(settings.buffers.totalBytes))
            pattern = payload
        }
        return send(lengths: lengths, payload: payload, times: count, emit: emit)
    }

    /// The bytes through the current buffers' shape where they fit in it (the buffers filled in order,
    /// those left empty dropped), else in one WSABUF.
    func send(bytes: [UInt8], emit: (String) -> Void) -> ReplOutcome {
        var lengths: [UInt32] = []
        var left = UInt64(bytes.count)
        if left <= settings.buffers.totalBytes {
            for length in settings.buffers.lengths where left > 0 {
                let part = min(UInt64(length), left)
                lengths.append(UInt32(part))
                left -= part
            }
        } else {
            lengths = [UInt32(clamping: bytes.count)]
        }
        return send(lengths: lengths, payload: ReplPayload(bytes), times: 1, emit: emit)
    }

    private func send(lengths: [UInt32], payload: ReplPayload, times: UInt64, emit: (String) -> Void) -> ReplOutcome {
        guard let socket else { return notConnected() }
        var outcome = ReplOutcome()
        let wanted = settings.mode == .nonblocking
        if nonBlocking != wanted {
            if let code = SocketOptions.setNonBlocking(socket, wanted) {
                let error = WSAError(code)
                return .failure("ioctlsocket FIONBIO failed: \(error.name) (\(error.code)): \(error.summary)")
            }
            nonBlocking = wanted
        }
        let wsabufs = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: max(lengths.count, 1))
        defer { wsabufs.deallocate() }
        var offset = 0
        for (index, length) in lengths.enumerated() {
            wsabufs[index] = WSABUF(len: length, buf: payload.bytes.baseAddress.map { $0 + offset })
            offset += Int(length)
        }
        let offered = lengths.reduce(0) { $0 + UInt64($1) }
        for made in 0..<times {
            if interrupt.take() {
                emit("interrupted after \(made) of \(times) calls")
                break
            }
            let failed: Bool
            if settings.mode.isOverlapped {
                guard operations.count < settings.outstanding else {
                    outcome.succeeded = false
                    outcome.error =
                        "\(operations.count) overlapped sends are unfinished, as many as outstanding allows: "
                        + "wait, flush, or raise outstanding (\(made) of \(times) calls made)"
                    break
                }
                failed = postOverlapped(lengths: lengths, payload: payload, emit: emit, outcome: &outcome)
            } else {
                failed = callOnce(
                    socket, wsabufs, count: DWORD(lengths.count), offered: offered, emit: emit, outcome: &outcome)
            }
            if failed {
                outcome.succeeded = false
                if times > 1 && made + 1 < times {
                    emit("stopped after \(made + 1) of \(times) calls: the call failed")
                }
                break
            }
        }
        return outcome
    }

    /// One non-overlapped WSASend; true when it failed (flow control, WSAEWOULDBLOCK, is no failure).
    private func callOnce(
        _ socket: SOCKET, _ wsabufs: UnsafeMutableBufferPointer<WSABUF>, count: DWORD, offered: UInt64,
        emit: (String) -> Void, outcome: inout ReplOutcome
    ) -> Bool {
        var sent: DWORD = 0
        let started = MonotonicClock.now()
        let flags = settings.flags
        let status =
            destinationOfCalls.map { destination in
                destination.withSockaddr {
                    WSASendTo(socket, wsabufs.baseAddress, count, &sent, flags, $0, $1, nil, nil)
                }
            } ?? WSASend(socket, wsabufs.baseAddress, count, &sent, flags, nil, nil)
        let code = status == 0 ? 0 : WSAGetLastError()
        let ended = MonotonicClock.now()
        record(status: status, code: code, sent: UInt64(sent), offered: offered, at: started, ended: ended)
        outcome.calls.append(ReplOutcome.Call(id: nil, returnValue: status, code: code, bytes: UInt64(sent)))
        emit(
            CallLine.text(
                status: status, code: code, sent: sent, offered: offered, nanoseconds: ended &- started,
                function: destinationOfCalls == nil ? "WSASend" : "WSASendTo"))
        return status != 0 && code != WSAEWOULDBLOCK
    }

    /// Counts one call as the send command counts it.
    func record(status: Int32, code: Int32, sent: UInt64, offered: UInt64, at started: UInt64, ended: UInt64) {
        if firstCallAt == nil { firstCallAt = started }
        lastCallAt = ended
        counters.calls += 1
        counters.bytesRequested += offered
        if status == 0 {
            counters.completedImmediately += 1
            counters.bytesSent += sent
            if sent < offered { counters.partial += 1 } else { counters.sets += 1 }
            return
        }
        counters.codes.add(code)
        switch code {
        case WSAEWOULDBLOCK: counters.wouldBlock += 1
        case WSA_IO_PENDING: counters.pending += 1
        default: counters.failed += 1
        }
    }
}
