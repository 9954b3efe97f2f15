import Winsock

/// The overlapped modes: every connection driven from one thread, each with up to `outstanding` calls
/// in flight, completions learnt through event objects (`event`) or completion routines (`routine`).
struct OverlappedDriver: SendDriver {
    let routines: Bool

    func drive(_ connections: [SOCKET], context: DriveContext) -> DriveResult {
        let run = OverlappedRun(handles: connections, context: context, routines: routines)
        guard context.supervisor.sendsOnCallerThread else { return run.execute() }
        // The loop closes its socket itself (`LoopWatch`); the timer at the end of `--duration` plus the
        // grace still ends a read of `--file -` that waits on a quiet input, which no look can reach.
        return context.supervisor.sendOnCallerThread(on: nil) { run.execute() }
    }
}

/// The completion routine of routine mode: `hEvent` carries the slot ("the hEvent parameter is ignored
/// and can be used by the application to pass context information to the completion routine"). It
/// runs on the driving thread, inside its alertable wait, and only records; the loop does the rest.
let overlappedSlotRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE = { error, bytes, overlapped, _ in
    guard let context = overlapped?.pointee.hEvent else { return }
    let slot = Unmanaged<OverlappedSlot>.fromOpaque(context).takeUnretainedValue()
    slot.completedAt = LatencyClock.reading()
    slot.status = Int32(bitPattern: error)
    slot.bytes = UInt64(bytes)
    slot.state = .completed
}

/// One overlapped run. Post while slots are free and the plan allows, collect what completed, and
/// otherwise wait: on the oldest call's event of each connection (up to 64 at a time), or alertably in
/// SleepEx for the routines. The per-call path allocates nothing after the slots are made.
///
/// Calls are timed with the `LatencyClock`, as in the other modes: the two vDSO clock_gettime readings
/// a call took were a sixth of a 1x64 run's time with 64 outstanding (perf: 20 % of the samples in
/// `__vdso_clock_gettime`).
final class OverlappedRun {
    private let plan: RunPlan
    private let context: DriveContext
    private let routines: Bool
    // One thread runs all of it: no exclusivity checks on the per-call path.
    @exclusivity(unchecked) private var connections: [OverlappedConnection] = []
    @exclusivity(unchecked) private var latency = LatencyRecorder(unit: .latencyClock)
    @exclusivity(unchecked) private var latencies = LatencyBatch()
    /// With `--rate`: each set's time from its intended start on the schedule to its completion.
    @exclusivity(unchecked) private var scheduled = LatencyRecorder(unit: .nanoseconds)
    private let clock: LatencyClock
    /// Every set's size when the run sends the pattern (each slot's array already holds the whole set);
    /// nil with `--file`, whose sets are read one by one. Kept here so that the per-call path reads one
    /// stored value instead of asking the drive context for its file and payload.
    private let patternBytes: UInt64?
    /// The pattern's WSABUF count.
    private let patternBuffers: DWORD
    private let deadline: UInt64?
    /// The clock reading at which `deadline` is estimated to fall (`LatencyClock.reading(at:)`): each post
    /// compares a reading with it and asks `MonotonicClock` only once it has come, as the blocking loop
    /// does, instead of a vDSO clock_gettime per call with `--duration`.
    @exclusivity(unchecked) private var deadlineReading = UInt64.max
    /// A datagram that completed at once is settled inside `post` (event mode only): see
    /// `settledAtOnce`.
    private let settlesImmediateCompletions: Bool
    /// What each WSASend is given as its completion routine: `overlappedSlotRoutine` in routine mode.
    private let completionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
    /// True with `--rate` or `--duration`: each post then asks more than the stop flag.
    private let pacedOrTimed: Bool
    private let started = MonotonicClock.now()
    /// Scratch for WSAWaitForMultipleEvents, at most 64 handles.
    @exclusivity(unchecked) private var waitHandles: [WSAEVENT] = []
    @exclusivity(unchecked) private var waitStart = 0
    private var setupFailure: ToolFailure?
    /// Set when a `--file` read failed (a run with a file has one connection): kept here rather than in
    /// every connection, whose size sets a many-connection run's memory.
    @exclusivity(unchecked) private var fileError: SystemFileError?
    /// With interval reports, this thread's cuts (every connection's calls in the first lane).
    @exclusivity(unchecked) private var cuts: IntervalCuts?
    /// On the caller's thread (one connection), the watcher's work, done between passes; nil when a
    /// watcher thread does it.
    @exclusivity(unchecked) private var watch: LoopWatch?

    /// How long one wait may last before the loop looks at the stop flag and the clock again.
    static let tick: DWORD = 50

    init(handles: [SOCKET], context: DriveContext, routines: Bool) {
        plan = context.plan
        self.context = context
        self.routines = routines
        clock = context.clock
        patternBytes = context.file == nil ? context.payload.totalBytes : nil
        patternBuffers = DWORD(context.payload.template.count)
        deadline = plan.duration.map { MonotonicClock.now() &+ $0 }
        // Made before the run's first call, so that the wait for the clock's rate (at most `settling`
        // from its start) falls outside the timed calls.
        if let deadline { deadlineReading = clock.reading(at: deadline) }
        settlesImmediateCompletions = !routines && plan.transport == .udp
        completionRoutine = routines ? overlappedSlotRoutine : nil
        pacedOrTimed = plan.rate != nil || plan.duration != nil
        verboseLines = plan.verbose ? context.events.callLine : nil
        observesEachCall = plan.verbose || plan.rate != nil
        cuts = context.intervalCuts(lane: 0)
        watch = context.supervisor.loopWatch(clock: clock, started: context.started)
        waitHandles.reserveCapacity(Int(WSA_MAXIMUM_WAIT_EVENTS))
        // Started here rather than by the first WSASend, so that a process out of descriptors hears why
        // (WSAEMFILE) instead of a WSASend failing with WSAENOBUFS.
        let engine = OverlappedIO.startEngine()
        if engine != 0 { setupFailure = .engineUnavailable(WSAError(engine)) }
        let fileSpec: BufferSpec? = context.file == nil ? nil : plan.buffers
        connections.reserveCapacity(handles.count)
        for (index, handle) in handles.enumerated() {
            let connection = OverlappedConnection(
                index: index, handle: handle, live: context.live.lane(index), outstanding: max(plan.outstanding, 1))
            for _ in 0..<max(plan.outstanding, 1) {
                guard
                    let slot = OverlappedSlot(
                        template: context.payload.template, fileSpec: fileSpec, connection: connection)
                else {
                    setupFailure = .overlappedBuffersUnavailable(calls: plan.outstanding)
                    break
                }
                if routines {
                    // Set once: the system leaves hEvent alone when a routine is given.
                    slot.overlapped.pointee.hEvent = slot.context
                } else {
                    slot.overlapped.pointee.hEvent = WSACreateEvent()
                    if slot.overlapped.pointee.hEvent == WSA_INVALID_EVENT {
                        setupFailure = .eventUnavailable(WSAError(WSAGetLastError()))
                        break
                    }
                }
                connection.add(slot)
            }
            connections.append(connection)
        }
    }

    deinit { releaseSlots() }

    /// Closes the slots' events and frees the slots (their WSAOVERLAPPED and WSABUF arrays), once no call
    /// is in flight: `execute` does it as the loop ends, so that what the run does next (the report) can
    /// reuse their memory (with 10,000 connections the slots and events are about 3 MB).
    private func releaseSlots() {
        for connection in connections {
            for index in 0..<connection.slotCount where !routines {
                let overlapped = connection.slot(index).takeUnretainedValue().overlapped
                if let event = overlapped.pointee.hEvent { _ = WSACloseEvent(event) }
            }
            connection.releaseSlots()
        }
    }

    func execute() -> DriveResult {
        if setupFailure == nil {
            while true {
                if watch != nil { watch?.look(totals: totals) }
                let posted = postWhatWeCan()
                let collected = collect()
                if cuts?.isDue(clock.now()) == true { cut() }
                if posted || collected { continue }
                // Nothing moved: the run is over, or it waits for completions.
                if !connections.contains(where: { !$0.finished || $0.hasInFlight }) { break }
                waitForCompletions()
            }
        }
        for connection in connections where connection.counters.pending > 0 {
            connection.counters.codes.add(WSA_IO_PENDING, count: connection.counters.pending)
        }
        latencies.flush(into: &latency)
        cuts?.finish(&latency, scheduled: &scheduled, counters: runningCounters(pendingAsCode: false))
        // Nothing is in flight any more (the loop ends only then, and a failed setup posted nothing).
        releaseSlots()
        // The connections themselves hold the outcomes until the runner has copied them into the report.
        let connections = connections
        var result = DriveResult(
            outcomes: ConnectionOutcomes(count: connections.count) { position in
                let connection = connections[position]
                return ConnectionOutcome(countedIn: connection, error: connection.error, ended: connection.ended)
            })
        result.latency = latency
        result.scheduled = scheduled
        result.failure = setupFailure
        result.backend = OverlappedIO.backend
        if result.failure == nil, let fileError {
            result.failure = ToolFailure(unreadable: fileError)
        }
        return result
    }

    /// The bytes sent and calls made so far, for a progress line the loop writes itself.
    private func totals() -> (bytes: UInt64, calls: UInt64) {
        connections.reduce((0, 0)) { ($0.0 &+ $1.counters.bytesSent, $0.1 &+ $1.counters.calls) }
    }

    // MARK: Interval reports

    /// Hands the latencies since the last boundary, and the running counts, to the interval reports.
    private func cut() {
        latencies.flush(into: &latency)
        cuts?.cut(&latency, scheduled: &scheduled, counters: runningCounters(pendingAsCode: true))
    }

    /// Every connection's counts so far; WSA_IO_PENDING entered in the codes as the run's end enters it
    /// (`pendingAsCode`), so that an interval's codes are those the summary will show.
    private func runningCounters(pendingAsCode: Bool) -> CallCounters {
        var running = CallCounters()
        for connection in connections { running.merge(connection.counters) }
        if pendingAsCode && running.pending > 0 { running.codes.add(WSA_IO_PENDING, count: running.pending) }
        return running
    }

    // MARK: Posting

    /// Posts on every connection while it has a free slot and the plan allows another set: at most as many
    /// calls as the connection has slots in one pass, so that a connection whose calls are settled as they
    /// return (their slot free again at once) leaves the others, the stop flag and the interval cuts their
    /// turn.
    ///
    /// What cannot change during a connection's pass is asked once for the pass, not before every call:
    /// its error (only a collected completion or a failed post sets it, and a failed post ends the pass),
    /// and how many more sets `--count` allows. The stop flag, `--duration` and `--rate` are asked before
    /// each call.
    private func postWhatWeCan() -> Bool {
        var any = false
        for connection in connections where !connection.finished {
            var turn = connection.slotCount
            if connection.error != nil { turn = 0 }
            // `calls` counts the sets posted (each post is one call), which --count limits.
            if let limit = plan.count {
                turn = min(turn, Int(clamping: limit &- min(connection.counters.calls, limit)))
            }
            if turn == 0 {
                connection.finished = true
            } else if postTurn(turn, on: connection) {
                any = true
                publish(connection)
                if let limit = plan.count, connection.counters.calls >= limit { connection.finished = true }
            }
            if connection.finished { endIfDone(connection) }
        }
        return any
    }

    /// Posts up to `turn` sets on the connection, each with its next free slot, while it may post (the
    /// connection is finished when it must stop). True when any was posted.
    @inline(__always)
    private func postTurn(_ turn: Int, on connection: OverlappedConnection) -> Bool {
        var turn = turn
        var any = false
        while turn > 0 && connection.freeCount > 0 {
            turn &-= 1
            guard mayPost(connection) else { break }
            guard connection.nextFree._withUnsafeGuaranteedRef({ post($0, on: connection) }) else { break }
            any = true
            if connection.finished { break }
        }
        return any
    }

    /// A connection that will post no more and has nothing in flight is done: it ends now, not with the
    /// run (`RunControl.finish`).
    private func endIfDone(_ connection: OverlappedConnection) {
        guard connection.finished && connection.ended == nil && !connection.hasInFlight else { return }
        connection.ended = context.control.finish(connection.handle)
    }

    /// Makes the connection's running counts visible to the progress lines: once a pass, not after every
    /// call (the watcher reads them a few times a second).
    @inline(__always)
    private func publish(_ connection: OverlappedConnection) {
        connection.live.publish(bytes: connection.counters.bytesSent, calls: connection.counters.calls)
    }

    /// False once the connection must stop posting (it is then finished); also false (for now) while
    /// `--rate` says wait.
    @inline(__always)
    private func mayPost(_ connection: OverlappedConnection) -> Bool {
        if context.control.isStopping {
            connection.finished = true
            return false
        }
        return !pacedOrTimed || mayPostOnTime(connection)
    }

    /// `mayPost` with `--duration` or `--rate`.
    @inline(__always)
    private func mayPostOnTime(_ connection: OverlappedConnection) -> Bool {
        if deadline != nil && deadlineHasCome() {
            connection.finished = true
            return false
        }
        if let rate = plan.rate { return MonotonicClock.now() >= due(rate, on: connection) }
        return true
    }

    /// True once `--duration` is over: a clock reading compared with `deadlineReading`, and
    /// `MonotonicClock` asked only once it has come.
    @inline(__always)
    private func deadlineHasCome() -> Bool {
        guard clock.now() >= deadlineReading else { return false }
        return deadlineConfirmed()
    }

    /// The reading is an estimate from the clock's rate: confirm, or estimate again.
    @inline(never)
    private func deadlineConfirmed() -> Bool {
        guard let deadline else { return false }
        if MonotonicClock.now() >= deadline { return true }
        deadlineReading = clock.reading(at: deadline)
        return false
    }

    /// When the bytes the connection posted so far are due at `--rate`, which holds each connection
    /// (as each thread of the blocking modes is held by its own `Pacer`).
    private func due(_ bitsPerSecond: UInt64, on connection: OverlappedConnection) -> UInt64 {
        Pacer.due(connection.counters.bytesRequested, at: bitsPerSecond, from: started)
    }

    /// Posts the next set with the connection's next free slot; false (and the connection finished) when
    /// the `--file` is over or cannot be read.
    @inline(__always)
    private func post(_ slot: OverlappedSlot, on connection: OverlappedConnection) -> Bool {
        if let patternBytes {
            post(slot, size: patternBytes, count: patternBuffers, on: connection)
            return true
        }
        guard let size = nextSet(for: slot, on: connection) else {
            connection.finished = true
            return false
        }
        post(slot, size: size, count: cut(slot, to: size), on: connection)
        return true
    }

    /// The size of the slot's next `--file` set: its next chunk, read into the slot's own buffers (the
    /// pattern's size is `patternBytes`). Nil when the file is over or cannot be read.
    @inline(never)
    private func nextSet(for slot: OverlappedSlot, on connection: OverlappedConnection) -> UInt64? {
        guard let file = context.file, let own = slot.fileBuffers else { return context.payload.totalBytes }
        switch file.fill(own.region, until: context.control) {
        case .success(let read):
            return read == 0 ? nil : UInt64(read)
        case .failure(let error):
            if fileError == nil { fileError = error }
            return nil
        }
    }

    /// One WSASend of the slot's first `count` WSABUFs, `size` bytes. Inline into the pass: as a call of
    /// its own it cost every post a prologue, an epilogue and a stack-protector check (callgrind).
    @inline(__always)
    private func post(_ slot: OverlappedSlot, size: UInt64, count: DWORD, on connection: OverlappedConnection) {
        slot.state = .inFlight
        var sent: DWORD = 0
        if let rate = plan.rate { slot.intendedAt = due(rate, on: connection) }
        slot.postedAt = clock.now()
        let status = context.send(
            connection.handle, slot.buffers.baseAddress, count, &sent, plan.flags, slot.overlapped,
            completionRoutine)
        // Wrapping adds: 64-bit counts of calls and bytes do not overflow, and each overflow check is user
        // work between two sends. `calls` and `bytesRequested` are also what --count and --rate hold the
        // connection to (a post is one call).
        connection.counters.calls &+= 1
        connection.counters.bytesRequested &+= size
        if status == 0 {
            // The return is timed only for a call that did not stay pending (completed at once, or failed):
            // a pending call is timed by its completion, so most calls of a busy run read the clock twice,
            // not three times.
            let returned = clock.now()
            slot.returnedAt = returned
            slot.immediate = true
            connection.counters.completedImmediately &+= 1
            if settlesImmediateCompletions && !connection.hasInFlight {
                settledAtOnce(slot, bytes: sent, after: returned &- slot.postedAt, on: connection)
                return
            }
        } else {
            slot.immediate = false
            let code = WSAGetLastError()
            // WSA_IO_PENDING is counted once in `pending` here and entered in `codes` at the end of the run.
            guard code == WSA_IO_PENDING else {
                failedAtOnce(slot, code: code, offered: size, on: connection)
                return
            }
            connection.counters.pending &+= 1
        }
        connection.posted()
    }

    /// "Any other error code indicates that the overlapped operation was not successfully initiated and no
    /// completion indication will occur": the slot stays free, and the failure is counted and ends the
    /// connection. Out of line: it happens once a connection at most.
    @inline(never)
    private func failedAtOnce(
        _ slot: OverlappedSlot, code: Int32, offered: UInt64, on connection: OverlappedConnection
    ) {
        slot.returnedAt = clock.now()
        connection.counters.codes.add(code)
        slot.state = .free
        record(code, on: connection, offered: offered, after: slot.returnedAt &- slot.postedAt)
    }

    /// Lays the slot's WSABUF array out for a set of `size` bytes (a file's last set may be short).
    @inline(never)
    private func cut(_ slot: OverlappedSlot, to size: UInt64) -> DWORD {
        let template = slot.fileBuffers?.template ?? context.payload.template
        let laidOut = SendCursor.layOut(
            UnsafeBufferPointer(template), limit: Int(clamping: size), into: slot.buffers)
        return DWORD(laidOut.count)
    }

    // MARK: Completions

    /// Collects the completed calls, oldest first on each connection; true when any was.
    ///
    /// In event mode the calls of one connection found complete in one pass share one clock reading, taken
    /// when the pass finds the oldest of them complete. A burst of sends completes at one moment (one
    /// `sendmsg` writes it), before the pass finds any of it; a reading per call timed the pass's own
    /// progress instead (WSAGetOverlappedResult and the bookkeeping, some 160 instructions a call), and cost
    /// a TSC reading a call: about 10 ns on the AMD EPYC VM, where sharing it gave 1.04 times the calls a
    /// second at 1x64 with 64 outstanding (20 alternating rounds).
    private func collect() -> Bool {
        var any = false
        for connection in connections where connection.hasInFlight {
            var collected = false
            var foundAt: UInt64 = 0
            repeat {
                let found = connection.oldestInFlight._withUnsafeGuaranteedRef {
                    collect($0, on: connection, foundAt: &foundAt)
                }
                guard found else { break }
                collected = true
            } while connection.hasInFlight
            guard collected else { continue }
            any = true
            publish(connection)
            if connection.finished { endIfDone(connection) }
        }
        return any
    }

    /// Collects the call of the connection's oldest slot if it has completed; false when it has not.
    /// `foundAt` is the pass's reading for this connection, 0 until its first completion is found.
    /// Inline into the pass, for the reason `post` is.
    @inline(__always)
    private func collect(
        _ slot: OverlappedSlot, on connection: OverlappedConnection, foundAt: inout UInt64
    ) -> Bool {
        if routines {
            guard slot.state == .completed else { return false }
        } else {
            guard HasOverlappedIoCompleted(slot.overlapped) else { return false }
            if foundAt == 0 { foundAt = clock.now() }
            var bytes: DWORD = 0
            var flags: DWORD = 0
            let ok = WSAGetOverlappedResult(connection.handle, slot.overlapped, &bytes, FALSE, &flags)
            slot.status = ok == TRUE ? 0 : WSAGetLastError()
            slot.bytes = UInt64(bytes)
            if slot.status == WSAENOTSOCK {
                // The run closed the socket (SIGINT, the end of --duration): the handle is gone, but
                // Internal and InternalHigh still hold how the operation ended (995).
                slot.status = Int32(truncatingIfNeeded: slot.overlapped.pointee.Internal)
                slot.bytes = UInt64(slot.overlapped.pointee.InternalHigh)
            }
            slot.completedAt = foundAt
        }
        connection.collectedOldest()
        slot.state = .free
        account(slot, on: connection)
        return true
    }

    /// A datagram that completed at once, with no older call of its connection left to collect: its outcome
    /// is WSASend's own (0, and `lpNumberOfBytesSent`), so the driver settles it here and the slot stays
    /// free. Reusing the WSAOVERLAPPED collects the completion ("hEvent is reset when the operation
    /// starts"), as WSAGetOverlappedResult would. Collecting it later instead cost a datagram some 150
    /// instructions (the in-flight queue, HasOverlappedIoCompleted, WSAGetOverlappedResult, a third clock
    /// reading). Not for stream sockets, where an uncollected completion is what lets the library gather
    /// the calls behind it into one sendmsg; not in routine mode, where the routine still has to run on
    /// the slot. What `account` does, with the outcome known: the slot's status and bytes are written only
    /// for `accountFurther`.
    @inline(__always)
    private func settledAtOnce(
        _ slot: OverlappedSlot, bytes: DWORD, after elapsed: UInt64, on connection: OverlappedConnection
    ) {
        slot.state = .free
        latencies.record(elapsed, into: &latency)
        connection.counters.bytesSent &+= UInt64(bytes)
        connection.counters.sets &+= 1
        if observesEachCall {
            slot.status = 0
            slot.bytes = UInt64(bytes)
            accountFurther(slot, elapsed: elapsed, on: connection)
        }
    }

    /// What a finished call adds to the report: its latency, its bytes, its set. The rest (a failure's
    /// code, `--rate`'s schedule, the `-v` line) is out of line in `accountFurther`, which most calls skip.
    @inline(__always)
    private func account(_ slot: OverlappedSlot, on connection: OverlappedConnection) {
        let elapsed = slot.latency
        latencies.record(elapsed, into: &latency)
        connection.counters.bytesSent &+= slot.bytes
        if slot.status == 0 {
            connection.counters.sets &+= 1
            if !observesEachCall { return }
        }
        accountFurther(slot, elapsed: elapsed, on: connection)
    }

    /// What `account` leaves to a failed call, and to every call of a run with `--rate` or `-v`.
    @inline(never)
    private func accountFurther(_ slot: OverlappedSlot, elapsed: UInt64, on connection: OverlappedConnection) {
        if slot.status == 0 {
            if plan.rate != nil {
                let now = MonotonicClock.now()
                scheduled.record(now &- min(slot.intendedAt, now))
            }
            if let lines = verboseLines {
                lines(
                    prefix(connection)
                        + CallLine.completed(
                            slot.bytes, immediate: slot.immediate, nanoseconds: nanoseconds(elapsed),
                            function: context.destinationBox == nil ? "WSASend" : "WSASendTo")
                )
            }
            return
        }
        // The call is already counted, once, by how WSASend returned (pending, or completed immediately);
        // how it completed goes in `completionCodes`, and a failure the run did not cause ends the connection.
        connection.counters.completionCodes.add(slot.status)
        if !context.control.isStopping {
            connection.error = connection.error ?? slot.status
        } else if slot.status == WSA_OPERATION_ABORTED {
            // The run cancelled it as it ended (closesocket at the end of --duration, or a signal).
            connection.counters.cancelledByRun += 1
        }
        if let lines = verboseLines {
            lines(
                prefix(connection)
                    + CallLine.completionFailed(slot.status, bytes: slot.bytes, nanoseconds: nanoseconds(elapsed)))
        }
    }

    /// A call that failed at once: counted, and it ends the connection. `elapsed` is in clock units.
    private func record(_ code: Int32, on connection: OverlappedConnection, offered: UInt64, after elapsed: UInt64) {
        latencies.record(elapsed, into: &latency)
        if context.control.isStopping {
            connection.counters.interrupted += 1
        } else {
            connection.counters.failed += 1
            connection.error = code
        }
        connection.finished = true
        if let lines = verboseLines {
            lines(
                prefix(connection)
                    + CallLine.text(
                        status: SOCKET_ERROR, code: code, sent: 0, offered: offered, nanoseconds: nanoseconds(elapsed),
                        function: context.destinationBox == nil ? "WSASend" : "WSASendTo"))
        }
    }

    private let verboseLines: (@Sendable (String) -> Void)?
    /// True with `-v` or `--rate`: each finished call then does more than `account`'s common part.
    private let observesEachCall: Bool

    /// A `-v` line's duration: clock units in nanoseconds, converted as the summary converts them.
    private func nanoseconds(_ elapsed: UInt64) -> UInt64 { clock.nanoseconds(elapsed) }

    private func prefix(_ connection: OverlappedConnection) -> String {
        connections.count > 1 ? "[\(connection.index)] " : ""
    }

    // MARK: Waiting

    /// Waits until a call completes, a tick passes, or `--rate` lets the next set go.
    private func waitForCompletions() {
        var timeout = Self.tick
        if let rate = plan.rate {
            // The wait ends when the first connection held by the rate may post again.
            var next = UInt64.max
            for connection in connections where !connection.finished && connection.freeCount > 0 {
                next = min(next, due(rate, on: connection))
            }
            if next != .max {
                let now = MonotonicClock.now()
                // Nothing in flight: no completion to watch for, so a precise sleep keeps the schedule.
                if !connections.contains(where: { $0.hasInFlight }) {
                    PreciseSleep.until(next, latest: now &+ UInt64(Self.tick) * TimeUnits.nanosecondsPerMillisecond)
                    return
                }
                let wait = PreciseSleep.waitMilliseconds(until: next, now: now)
                timeout = min(timeout, DWORD(min(wait, UInt64(Self.tick))))
            }
        }
        if routines {
            _ = SleepEx(timeout, TRUE)
            return
        }
        waitHandles.removeAll(keepingCapacity: true)
        let count = connections.count
        var scanned = 0
        while scanned < count && waitHandles.count < Int(WSA_MAXIMUM_WAIT_EVENTS) {
            let connection = connections[(waitStart + scanned) % count]
            if let slot = connection.oldest { waitHandles.append(slot.overlapped.pointee.hEvent) }
            scanned += 1
        }
        // More than 64 connections: the next wait looks at the next ones, and a short tick keeps every
        // connection's completions near their time.
        if scanned < count || waitStart != 0 {
            waitStart = (waitStart + scanned) % count
            timeout = min(timeout, 1)
        }
        guard !waitHandles.isEmpty else {
            _ = SleepEx(timeout, FALSE)
            return
        }
        _ = WSAWaitForMultipleEvents(DWORD(waitHandles.count), waitHandles, FALSE, timeout, FALSE)
    }
}
