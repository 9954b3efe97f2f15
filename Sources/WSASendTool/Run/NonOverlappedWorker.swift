import Winsock

/// The per-call loop of one connection in the blocking and non-blocking modes.
///
/// The loop allocates nothing, takes no lock and formats nothing unless `-v`: it calls WSASend, reads the
/// `LatencyClock` on both sides, records the latency (a `LatencyBatch` in front of the worker's histogram)
/// and counts the result. In non-blocking mode a partial send leaves the rest of the set to the next call
/// (the `BufferCursor`), and WSAEWOULDBLOCK is followed by a wait for writability (WSAPoll, POLLWRNORM) and a retry.
struct NonOverlappedWorker: Sendable {
    struct Result: Sendable {
        var counters = CallCounters()
        var latency = LatencyRecorder(unit: .latencyClock)
        /// With `--rate`: each buffer set's time from its intended start on the schedule to its last byte
        /// taken (a stalled call delays the sets after it, and they count the delay).
        var scheduled = LatencyRecorder(unit: .nanoseconds)
        /// The code of the call that failed, which ends the connection.
        var error: Int32?
        /// The input file could not be read.
        var fileError: SystemFileError?
    }

    let index: Int
    let handle: SOCKET
    let context: DriveContext
    let live: LiveCounters.Lane

    func run() -> Result {
        let plan = context.plan
        let payload = context.payload
        var result = Result()
        let working = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: max(payload.template.count, 1))
        defer { working.deallocate() }
        var cursor = BufferCursor(template: UnsafeBufferPointer(payload.template), working: working)
        let limit = plan.count ?? .max
        let deadline = plan.duration.map { MonotonicClock.now() &+ $0 }
        var cuts = context.intervalCuts(lane: index)
        if context.file == nil && plan.rate == nil && !plan.verbose && context.destinationBox == nil {
            runWholeSets(&result, cursor: &cursor, limit: limit, deadline: deadline, cuts: &cuts)
            cuts?.finish(&result.latency, scheduled: &result.scheduled, counters: result.counters)
            return result
        }
        let pacer = plan.rate.map { Pacer(bitsPerSecond: $0) }
        var progress = lineWriter()
        var latencies = LatencyBatch(limit: LatencyBatch.callLimit)
        while result.counters.sets < limit && !context.control.isStopping {
            if let deadline, MonotonicClock.now() >= deadline { break }
            guard let setBytes = nextSet(&result) else { break }
            cursor.reset(limit: setBytes)
            result.counters.bytesRequested += setBytes
            let intended = pacer?.due(afterSending: result.counters.bytesSent)
            guard send(&cursor, into: &result, latencies: &latencies, deadline: deadline, progress: &progress)
            else { break }
            if let intended {
                let done = MonotonicClock.now()
                result.scheduled.record(done &- min(intended, done))
            }
            result.counters.sets += 1
            // Between sets, where every count of the set is made: an interval's counts add up.
            if cuts?.isDue(context.clock.now()) == true {
                latencies.flush(into: &result.latency)
                cuts?.cut(&result.latency, scheduled: &result.scheduled, counters: result.counters)
            }
            pacer?.wait(afterSending: result.counters.bytesSent, deadline: deadline, control: context.control)
        }
        // Not in a `defer`: that would run after `result` is copied out, and the batch would be lost.
        latencies.flush(into: &result.latency)
        cuts?.finish(&result.latency, scheduled: &result.scheduled, counters: result.counters)
        return result
    }

    /// The loop over the pattern, without --rate or -v, in both modes: every call offers the whole set
    /// from the template, and a blocking WSASend returns 0 only when every byte is consumed, as a
    /// non-blocking one does whenever the socket has room for the set. So the cursor, the file and the
    /// pacing of `send` have nothing to do on the common path, and the loop keeps only what each call must
    /// record. A non-blocking call that takes part of the set hands the rest to `send` (the cursor); one
    /// that says WSAEWOULDBLOCK waits for room and offers the same set again. The end of `--duration` and
    /// a lone run's next progress line are watched in clock readings too, confirmed with `MonotonicClock`
    /// when one says it has come (the reading is estimated from the clock's rate so far): one comparison
    /// per call.
    ///
    /// Non-blocking 1x64 went through `run`'s general loop before: a cursor laid out per set and its
    /// per-call bookkeeping, some 1,580 instructions a call in all against the blocking loop's 363
    /// (callgrind).
    private func runWholeSets(
        _ result: inout Result, cursor: inout BufferCursor, limit: UInt64, deadline: UInt64?,
        cuts: inout IntervalCuts?
    ) {
        let buffers = context.payload.template.baseAddress
        let count = DWORD(context.payload.template.count)
        let total = context.payload.totalBytes
        let flags = context.plan.flags
        let control = context.control
        let clock = context.clock
        var progress = lineWriter()
        var end = deadline.map { clock.reading(at: $0) } ?? .max
        var nextLine = progress.map { clock.reading(at: $0.due) } ?? .max
        var check = min(end, nextLine, cuts?.dueReading ?? .max)
        // A lone run has no watcher to read the live counters.
        let publishes = context.supervisor.loopPublishesCounters
        var latencies = LatencyBatch(limit: LatencyBatch.callLimit)
        defer { latencies.flush(into: &result.latency) }
        // Calls that took the whole set at once, not yet added to `result.counters`: each such call adds
        // one to five counts (calls, completed, sets, and the set's bytes requested and sent), so they
        // are kept as one count in a register and added whenever the counts are read (any other call, an
        // interval, a progress line, the end). Five read-modify-writes of memory a call were a sixth of
        // the loop's own instructions (callgrind).
        var whole: UInt64 = 0
        defer { result.counters.add(wholeSets: whole, of: total) }
        while result.counters.sets &+ whole < limit && !control.isStopping {
            var sent: DWORD = 0
            let before = clock.now()
            let status = WSASend(handle, buffers, count, &sent, flags, nil, nil)
            let after = clock.now()
            latencies.record(after &- before, into: &result.latency)
            if status == 0 && UInt64(sent) == total {
                whole &+= 1
                if publishes {
                    live.publish(
                        bytes: result.counters.bytesSent &+ whole &* total, calls: result.counters.calls &+ whole)
                }
                if after < check { continue }
            } else {
                result.counters.add(wholeSets: whole, of: total)
                whole = 0
                // Wrapping adds: 64-bit counts of calls and bytes do not overflow, and a trap check per
                // count is user work between sendmsgs (see LatencyBatch).
                result.counters.calls &+= 1
                result.counters.bytesRequested &+= total
                result.counters.bytesSent &+= UInt64(sent)
                if publishes { live.publish(bytes: result.counters.bytesSent, calls: result.counters.calls) }
                guard status == 0 else {
                    let code = control.reportedCode(WSAGetLastError())
                    // No room on a non-blocking socket: nothing was taken, and the next call offers the same
                    // set again, which was counted as requested once.
                    if code == WSAEWOULDBLOCK { result.counters.bytesRequested &-= total }
                    guard offersAgain(after: code, into: &result, deadline: deadline) else { return }
                    continue
                }
                result.counters.completedImmediately &+= 1
                // A non-blocking call that took part of the set: the rest goes through the cursor.
                guard
                    sendRest(
                        after: UInt64(sent), &cursor, into: &result, latencies: &latencies, deadline: deadline,
                        progress: &progress)
                else { return }
                result.counters.sets &+= 1
                if after < check { continue }
            }
            result.counters.add(wholeSets: whole, of: total)
            whole = 0
            let now = MonotonicClock.now()
            if let deadline {
                if now >= deadline { return }
                end = clock.reading(at: deadline)
            }
            if progress != nil {
                progress?.report(now: now, bytes: result.counters.bytesSent, calls: result.counters.calls)
                nextLine = progress.map { clock.reading(at: $0.due) } ?? .max
            }
            if cuts?.isDue(after) == true {
                latencies.flush(into: &result.latency)
                cuts?.cut(&result.latency, scheduled: &result.scheduled, counters: result.counters)
            }
            check = min(end, nextLine, cuts?.dueReading ?? .max)
        }
    }

    /// After a non-blocking call of `runWholeSets` took `sent` bytes of the set, part of it: the rest goes
    /// through the cursor, as in `run`. Out of line, so that the loop's common path stays as short as the
    /// blocking loop's.
    ///
    /// - Returns: True when the whole set was sent; false when the connection is done.
    @inline(never)
    private func sendRest(
        after sent: UInt64, _ cursor: inout BufferCursor, into result: inout Result, latencies: inout LatencyBatch,
        deadline: UInt64?, progress: inout ProgressLines?
    ) -> Bool {
        result.counters.partial += 1
        cursor.reset(limit: context.payload.totalBytes)
        cursor.advance(by: sent)
        if context.control.isStopping || deadline.map({ MonotonicClock.now() >= $0 }) == true { return false }
        return send(&cursor, into: &result, latencies: &latencies, deadline: deadline, progress: &progress)
    }

    /// The size of the next set: the whole set with the pattern, the next chunk of the file otherwise;
    /// nil when the file is over or cannot be read.
    private func nextSet(_ result: inout Result) -> UInt64? {
        guard let file = context.file else { return context.payload.totalBytes }
        switch file.fill(context.payload.region, until: context.control) {
        case .success(let read):
            return read == 0 ? nil : UInt64(read)
        case .failure(let error):
            result.fileError = error
            return nil
        }
    }

    /// Sends one set, in as many calls as the transport needs.
    ///
    /// - Returns: True when the whole set was sent; false when the connection is done (a failed call, a
    ///   stop, the end of the duration).
    private func send(
        _ cursor: inout BufferCursor, into result: inout Result, latencies: inout LatencyBatch, deadline: UInt64?,
        progress: inout ProgressLines?
    ) -> Bool {
        let control = context.control
        let flags = context.plan.flags
        let lines = context.plan.verbose ? context.events.callLine : nil
        let clock = context.clock
        while true {
            var sent: DWORD = 0
            let offered = cursor.remaining
            let before = clock.now()
            let status = context.send(handle, cursor.buffers, cursor.count, &sent, flags, nil, nil)
            let after = clock.now()
            let code = status == 0 ? 0 : control.reportedCode(WSAGetLastError())
            latencies.record(after &- before, into: &result.latency)
            result.counters.calls += 1
            result.counters.bytesSent += UInt64(sent)
            live.publish(bytes: result.counters.bytesSent, calls: result.counters.calls)
            if progress != nil {
                progress?.report(
                    now: MonotonicClock.now(), bytes: result.counters.bytesSent, calls: result.counters.calls)
            }
            if let lines {
                let nanoseconds = clock.nanoseconds(after &- before)
                lines(line(status: status, code: code, sent: sent, offered: offered, nanoseconds))
            }
            // A failed call reports the bytes taken before the error too; never advance past the offer.
            cursor.advance(by: min(UInt64(sent), offered))
            if status == 0 {
                result.counters.completedImmediately += 1
                if cursor.isFinished { return true }
                // A partial send: the rest goes in the next call (which says WSAEWOULDBLOCK if no room).
                result.counters.partial += 1
                if control.isStopping || deadline.map({ MonotonicClock.now() >= $0 }) == true { return false }
                continue
            }
            guard offersAgain(after: code, into: &result, deadline: deadline) else { return false }
        }
    }

    /// Counts a failed call's code. True after WSAEWOULDBLOCK once the socket has room again (the caller
    /// offers the same bytes again); false when the connection is done: any other code (a failure, or the
    /// call a stop interrupted), or no room before the deadline or the stop.
    private func offersAgain(after code: Int32, into result: inout Result, deadline: UInt64?) -> Bool {
        let control = context.control
        result.counters.codes.add(code)
        if code == WSAEWOULDBLOCK {
            result.counters.wouldBlock += 1
            return SocketOptions.wait(handle, for: POLLWRNORM, until: deadline, control: control) == .ready
        }
        if control.isStopping {
            result.counters.interrupted += 1
        } else {
            result.counters.failed += 1
            result.error = code
        }
        return false
    }

    /// The progress lines this loop writes itself, when the supervisor says so (a lone run's).
    private func lineWriter() -> ProgressLines? {
        guard context.supervisor.loopWritesProgress else { return nil }
        return ProgressLines(plan: context.plan, events: context.events, started: context.started)
    }

    /// The `-v` line, prefixed with the connection's index when there are several.
    private func line(status: Int32, code: Int32, sent: DWORD, offered: UInt64, _ nanoseconds: UInt64) -> String {
        let text = CallLine.text(
            status: status, code: code, sent: sent, offered: offered, nanoseconds: nanoseconds,
            function: context.destinationBox == nil ? "WSASend" : "WSASendTo")
        return context.plan.connections > 1 ? "[\(index)] " + text : text
    }
}

extension CallCounters {
    /// Counts `sets` calls that each took a whole set of `bytes` at once: `runWholeSets` adds its calls
    /// so, a run of them at a time.
    @inline(__always)
    fileprivate mutating func add(wholeSets sets: UInt64, of bytes: UInt64) {
        calls &+= sets
        completedImmediately &+= sets
        self.sets &+= sets
        bytesRequested &+= sets &* bytes
        bytesSent &+= sets &* bytes
    }
}
