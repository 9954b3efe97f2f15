/// Cancellation of overlapped sends, on the engine thread: closesocket, SIO_FLUSH and the exit of the
/// issuing thread all post a request to the engine, which completes every matching operation with the
/// given status (WSA_OPERATION_ABORTED), in the order of the calls: those it holds once nothing of theirs
/// is in flight (the backend is asked to stop the transmission), then those still in the socket's queue.
extension EngineLoop {
    /// Cancels the matching operations: those the engine holds once nothing of theirs is in flight, and
    /// after them those still in the socket's queue (at once when nothing older is in flight).
    func cancel(_ socket: EngineSocket, thread: ThreadContext?, status: Int32, done: CancelCompletion?) {
        let target = thread.map { ObjectIdentifier($0) }
        let matches: @Sendable (OverlappedOperation) -> Bool = { target == nil || $0.issuerIdentity == target }
        let (queued, handoff) = socket.record.sendQueue.removeOverlapped(where: matches)
        handoff.perform(for: socket.record)
        var marked = false
        if let held = socket.lentBatch?.operations {
            for index in 0..<held.count {
                held[index].with { operation in
                    if matches(operation) {
                        operation.cancelStatus = status
                        marked = true
                    }
                }
            }
        }
        // Completions keep the order of the calls: the operations the engine holds were issued before
        // those still in the queue, so they complete first.
        if socket.state == .idle {
            finishCancelled(socket)
            for operation in queued { complete(operation, status: status, bytes: 0) }
            done?.signal()
            ready.append(socket)
        } else if marked {
            socket.cancelledBehind.append(contentsOf: queued.map { ($0, status) })
            if !socket.cancelRequested {
                socket.cancelRequested = true
                backend.cancel(socket)
            }
            if let done { waitingCancels.append((socket, done)) }
        } else {
            for operation in queued { complete(operation, status: status, bytes: 0) }
            done?.signal()
        }
    }

    func finishCancelled(_ socket: EngineSocket) {
        socket.cancelRequested = false
        for operation in socket.lentBatch?.removeCancelled() ?? [] {
            let (status, sent) = operation.with { ($0.cancelStatus, $0.sent) }
            complete(operation, status: status, bytes: sent)
        }
        if !socket.cancelledBehind.isEmpty {
            let behind = socket.cancelledBehind
            socket.cancelledBehind.removeAll()
            for (operation, status) in behind { complete(operation, status: status, bytes: 0) }
        }
        if !waitingCancels.isEmpty {
            waitingCancels.removeAll { entry in
                guard entry.0 === socket else { return false }
                entry.1.signal()
                return true
            }
        }
    }
}
