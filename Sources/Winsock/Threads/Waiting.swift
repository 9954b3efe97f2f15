import Glibc

/// How a thread's wait ended.
enum WaitOutcome: Equatable {
    /// Another thread signalled this one (or a spurious wake-up): re-check the condition.
    case woken
    /// The descriptor being watched is ready.
    case descriptorReady
    case timedOut
    /// The wait was alertable and completion routines ran.
    case routinesRan
}

extension Waiter {
    /// Blocks until another thread wakes this one, `fd` (if any) is ready for `events`, the deadline
    /// passes, or, when `alertable`, completion routines are queued (they run before this returns).
    func wait(for fd: Int32 = -1, events: Int16 = 0, until deadline: Deadline?, alertable: Bool) -> WaitOutcome {
        // Sends this thread parked go out before it sleeps; their completions may be what it waits for.
        if withContext({ ParkedSends.flush($0) }) { return alertable && runQueuedRoutines() ? .routinesRan : .woken }
        if alertable && runQueuedRoutines() { return .routinesRan }
        // A wake-up sent while this thread had no descriptor was lost: a wait that had to make it ticks.
        let hadDescriptor = hasWakeDescriptor
        let wakeDescriptor = wakeFD()
        var fds = (
            pollfd(fd: wakeDescriptor, events: Int16(POLLIN_LINUX), revents: 0),
            pollfd(fd: fd, events: events, revents: 0)
        )
        let count = fd >= 0 ? 2 : 1
        if alertable { isAlertable = true }
        // A routine queued between the check above and the store is seen here, or its wake-up is.
        if alertable && hasQueuedRoutines {
            isAlertable = false
            return runQueuedRoutines() ? .routinesRan : .woken
        }
        var timeout = deadline.map { $0.remainingMilliseconds } ?? -1
        // No wake descriptor (out of descriptors), or one made just now: a wake-up may have been missed, so
        // the wait looks again soon.
        if !hadDescriptor && (timeout < 0 || timeout > Self.tickWithoutWakeups) { timeout = Self.tickWithoutWakeups }
        let ready = withUnsafeMutablePointer(to: &fds) {
            $0.withMemoryRebound(to: pollfd.self, capacity: 2) { system_poll($0, count, timeout) }
        }
        if alertable { isAlertable = false }
        if fds.0.revents != 0 { drainWakeups() }
        if alertable && runQueuedRoutines() { return .routinesRan }
        if ready > 0 && count == 2 && fds.1.revents != 0 { return .descriptorReady }
        if ready == 0, let deadline, deadline.hasPassed { return .timedOut }
        return .woken
    }

    /// Runs every queued completion routine that may run now; true when at least one ran.
    ///
    /// "All waiting completion routines are called before the alertable thread's wait is satisfied":
    /// the loop runs until none is runnable. A routine whose socket already has one running on this
    /// thread (a routine that waits alertably itself) stays queued: routines of a socket never nest.
    func runQueuedRoutines() -> Bool {
        withContext { context in
            var ran = false
            // The routines may look up other sockets: the socket of the call that waits stays alive.
            var pinned: Unmanaged<SocketRecord>?
            defer { pinned?.release() }
            let apcs = context.apcs
            while apcs.hasEntries, let next = apcs.popRunnable(excluding: context.socketsInRoutine) {
                if !ran { pinned = context.handleCaches.pinCachedSocket() }
                ran = true
                context.socketsInRoutine.append(next.socket)
                let insideBlockingCall = context.inBlockingCall
                if insideBlockingCall { context.routinesInsideBlockingCall += 1 }
                context.inBlockingCall = false
                // Collected before the routine runs: the routine may reuse the structure for its next send.
                if let record = next.record { CollectionMark.collect(next.overlapped, on: record) }
                next.routine(next.error, next.bytes, next.overlapped, 0)
                context.inBlockingCall = insideBlockingCall
                if insideBlockingCall { context.routinesInsideBlockingCall -= 1 }
                context.socketsInRoutine.removeLast()
            }
            return ran
        }
    }
}
