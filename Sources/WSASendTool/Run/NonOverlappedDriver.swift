import Winsock

/// Blocking and non-blocking modes: one thread per connection, each running a `NonOverlappedWorker`; or,
/// for a lone run, the one connection's worker on the calling thread.
struct NonOverlappedDriver: SendDriver {
    func drive(_ connections: [SOCKET], context: DriveContext) -> DriveResult {
        if context.supervisor.sendsOnCallerThread && connections.count == 1 {
            return driveHere(connections[0], context: context)
        }
        let slots = connections.map { _ in WorkerSlot() }
        var threads: [WorkerThread] = []
        var failure: ToolFailure?
        for (index, handle) in connections.enumerated() {
            let worker = NonOverlappedWorker(
                index: index, handle: handle, context: context, live: context.live.lane(index))
            let slot = slots[index]
            let control = context.control
            let started = WorkerThread.start {
                slot.result = worker.run()
                slot.ended = control.finish(handle)
            }
            guard let thread = started else {
                failure = .threadUnavailable(connection: index)
                context.control.requestStop()
                break
            }
            threads.append(thread)
        }
        for thread in threads { thread.join() }
        var outcomes: [ConnectionOutcome] = []
        var result = DriveResult(outcomes: ConnectionOutcomes([]))
        result.failure = failure
        for slot in slots {
            guard let worker = slot.result else {
                outcomes.append(ConnectionOutcome(ended: slot.ended))
                continue
            }
            outcomes.append(ConnectionOutcome(counters: worker.counters, error: worker.error, ended: slot.ended))
            result.latency.merge(worker.latency)
            result.scheduled.merge(worker.scheduled)
            if let fileError = worker.fileError, result.failure == nil {
                result.failure = ToolFailure(unreadable: fileError)
            }
        }
        result.outcomes = ConnectionOutcomes(outcomes)
        return result
    }
}

extension NonOverlappedDriver {
    /// The lone run: the worker on this thread, its blocked call ended as the supervisor arranges (a
    /// stopping signal, or a call still blocked a grace period after the end of `--duration`).
    private func driveHere(_ handle: SOCKET, context: DriveContext) -> DriveResult {
        let worker = NonOverlappedWorker(index: 0, handle: handle, context: context, live: context.live.lane(0))
        let outcome = context.supervisor.sendOnCallerThread(on: handle) { worker.run() }
        // After `sending`: a handler may shut the socket down until it returns, so it must still be open.
        let ended = context.control.finish(handle)
        var result = DriveResult(
            outcomes: ConnectionOutcomes([
                ConnectionOutcome(counters: outcome.counters, error: outcome.error, ended: ended)
            ]))
        result.latency = outcome.latency
        result.scheduled = outcome.scheduled
        if let fileError = outcome.fileError {
            result.failure = ToolFailure(unreadable: fileError)
        }
        return result
    }
}

/// Where a worker thread leaves its result; read only after the thread is joined.
private final class WorkerSlot: @unchecked Sendable {
    var result: NonOverlappedWorker.Result?
    var ended: UInt64?
}
