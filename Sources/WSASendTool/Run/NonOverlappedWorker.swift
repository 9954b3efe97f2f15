import Winsock

/// The per-call loop of one connection in the blocking and non-blocking modes.
///
/// The loop allocates nothing, takes no lock and formats nothing unless `-v`: it calls WSASend, reads the
/// clock on both sides, records the latency in the worker's histogram and counts the result. In
/// non-blocking mode a partial send leaves the rest of the set to the next call (the `BufferCursor`), and
/// WSAEWOULDBLOCK is followed by a wait for writability (WSAPoll, POLLWRNORM) and a retry.
struct NonOverlappedWorker: Sendable {
    struct Result: Sendable {
        var counters: CallCounters
        var latency: LatencyRecorder
        var error: Int32?
        var fileError: SystemFileError?
    }

    let index: Int
    let handle: SOCKET
    let context: DriveContext
    let live: LiveCounters

    func run() -> Result {
        let plan = context.plan
        let control = context.control
        let payload = context.payload
        var result = Result(counters: CallCounters(), latency: LatencyRecorder())
        let working = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: max(payload.template.count, 1))
        defer { working.deallocate() }
        var cursor = BufferCursor(template: UnsafeBufferPointer(payload.template), working: working)
        let flags = plan.flags
        let limit = plan.count ?? .max
        let deadline = plan.duration.map { MonotonicClock.now() &+ $0 }
        let lineSink = plan.verbose ? context.events.callLine : nil
        let prefix = plan.connections > 1 ? "[\(index)] " : ""
        let pacer = plan.rate.map { Pacer(bitsPerSecond: $0) }

        sets: while result.counters.sets < limit && !control.isStopping {
            if let deadline, MonotonicClock.now() >= deadline { break }
            var setBytes = payload.totalBytes
            if let file = context.file {
                switch file.fill(payload.region) {
                case .success(let read): setBytes = UInt64(read)
                case .failure(let error):
                    result.fileError = error
                    break sets
                }
                if setBytes == 0 { break }
            }
            cursor.reset(limit: setBytes)
            result.counters.bytesRequested += setBytes
            while true {
                var sent: DWORD = 0
                let offered = cursor.remaining
                let before = MonotonicClock.now()
                let status = WSASend(handle, cursor.buffers, cursor.count, &sent, flags, nil, nil)
                let after = MonotonicClock.now()
                let code = status == 0 ? 0 : WSAGetLastError()
                result.latency.record(after &- before)
                result.counters.calls += 1
                result.counters.bytesSent += UInt64(sent)
                live.publish(bytes: result.counters.bytesSent, calls: result.counters.calls)
                if let lineSink {
                    lineSink(
                        prefix
                            + CallLine.text(
                                status: status, code: code, sent: sent, offered: offered, nanoseconds: after &- before))
                }
                // Never trust a count past what was offered: the cursor would run off the set.
                cursor.advance(by: min(UInt64(sent), offered))
                if status == 0 {
                    result.counters.completedImmediately += 1
                    if cursor.isFinished { break }
                    result.counters.partial += 1
                    // The rest goes in the next call; with no room at all, that call says WSAEWOULDBLOCK.
                    if control.isStopping || deadline.map({ MonotonicClock.now() >= $0 }) == true { break sets }
                    continue
                }
                result.counters.codes.add(code)
                if code == WSAEWOULDBLOCK {
                    result.counters.wouldBlock += 1
                    switch SocketOptions.wait(handle, for: POLLWRNORM, until: deadline, control: control) {
                    case .ready: continue
                    case .timedOut, .stopped: break sets
                    }
                }
                if control.isStopping {
                    result.counters.interrupted += 1
                } else {
                    result.counters.failed += 1
                    result.error = code
                }
                break sets
            }
            result.counters.sets += 1
            pacer?.wait(afterSending: result.counters.bytesSent, deadline: deadline, control: control)
        }
        return result
    }
}
