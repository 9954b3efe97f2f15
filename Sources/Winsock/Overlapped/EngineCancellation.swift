/// Cancellation of overlapped sends, on the engine thread: closesocket, SIO_FLUSH and the exit of the
/// issuing thread all post a request to the engine, which completes every matching operation with the
/// given status (WSA_OPERATION_ABORTED): those still in the socket's queue at once, those it holds once
/// nothing of theirs is in flight (the backend is asked to stop the transmission).
extension EngineLoop {
    /// Cancels the matching operations: those still in the socket's queue at once, those the engine
    /// holds once nothing of theirs is in flight.
    func cancel(_ socket: EngineSocket, thread: ThreadContext?, status: Int32, done: CancelCompletion?) {
        let target = thread.map { ObjectIdentifier($0) }
        let matches: @Sendable (OverlappedOperation) -> Bool = { target == nil || $0.issuerIdentity == target }
        let (queued, handoff) = socket.record.sendQueue.removeOverlapped(where: matches)
        handoff.perform(for: socket.record)
        for operation in queued {
            complete(operation, status: status, bytes: 0)
        }
        var marked = false
        for index in 0..<socket.operations.count {
            socket.operations[index].with { operation in
                if matches(operation) {
                    operation.cancelStatus = status
                    marked = true
                }
            }
        }
        if socket.state == .idle {
            finishCancelled(socket)
            done?.signal()
            ready.append(socket)
        } else {
            if marked && !socket.cancelRequested {
                socket.cancelRequested = true
                backend.cancel(socket)
            }
            if let done {
                if marked { waitingCancels.append((socket, done)) } else { done.signal() }
            }
        }
    }

    func finishCancelled(_ socket: EngineSocket) {
        socket.cancelRequested = false
        for operation in socket.batch.removeCancelled() {
            let (status, sent) = operation.with { ($0.cancelStatus, $0.sent) }
            complete(operation, status: status, bytes: sent)
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
