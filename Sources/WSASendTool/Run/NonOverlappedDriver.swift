import Winsock

/// Blocking and non-blocking modes: one thread per connection, each running a `NonOverlappedWorker`.
struct NonOverlappedDriver: SendDriver {
    func drive(_ connections: [SOCKET], context: DriveContext) -> DriveResult {
        let slots = connections.map { _ in WorkerSlot() }
        var threads: [WorkerThread] = []
        var failure: ToolFailure?
        for (index, handle) in connections.enumerated() {
            let worker = NonOverlappedWorker(
                index: index, handle: handle, context: context, live: context.live[index])
            let slot = slots[index]
            guard let thread = WorkerThread.start({ slot.result = worker.run() }) else {
                failure = ToolFailure(.software, "cannot start a thread for connection \(index)")
                context.control.requestStop()
                break
            }
            threads.append(thread)
        }
        for thread in threads { thread.join() }
        var result = DriveResult(counters: [], errors: [])
        result.failure = failure
        for slot in slots {
            guard let worker = slot.result else {
                result.counters.append(CallCounters())
                result.errors.append(nil)
                continue
            }
            result.counters.append(worker.counters)
            result.errors.append(worker.error)
            result.latency.merge(worker.latency)
            if let fileError = worker.fileError, result.failure == nil {
                result.failure = ToolFailure(.noInput, "cannot read '\(fileError.path)': \(fileError.reason)")
            }
        }
        return result
    }
}

/// Where a worker thread leaves its result; read only after the thread is joined.
private final class WorkerSlot: @unchecked Sendable {
    var result: NonOverlappedWorker.Result?
}
