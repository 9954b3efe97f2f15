/// Marks in `WSAOVERLAPPED.Offset`, which WSAOVERLAPPED reserves for the service provider: whether the
/// structure's last operation still has a completion the application has not collected.
enum CollectionMark {
    static let collected: UInt32 = 0
    static let uncollected: UInt32 = 1

    /// Records that the application has seen the completion reported through `overlapped` (by
    /// WSAGetOverlappedResult, its completion routine, or reusing the structure); once per operation.
    ///
    /// A plain load first: a structure whose completion was already collected (by WSAGetOverlappedResult,
    /// or a datagram that completed inside WSASend, which never marks it) needs no locked exchange; when
    /// the mark is set, the exchange still decides between two collectors.
    @inline(__always)
    static func collect(_ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?, on record: SocketRecord) {
        guard let overlapped, cwinsock_overlapped_load_mark(overlapped) == uncollected else { return }
        if cwinsock_overlapped_exchange_mark(overlapped, uncollected, collected) != 0 {
            record.overlappedCounts.wrappingSubtract(SocketRecord.uncollectedUnit, ordering: .relaxed)
        }
    }
}

/// Completes an operation: publishes `Internal` (the WSA status) and `InternalHigh` (the bytes), then
/// queues the completion routine on the issuing thread or signals the event, and recycles the record.
///
/// `inline` is true when the issuing thread completes its own operation inside WSASend ("the completion
/// routine will have already been scheduled"): it needs no wake-up.
func complete(_ reference: OperationRef, status: Int32, bytes: Int, inline: Bool = false) {
    reference.with { operation in
        guard let recordReference = operation.recordReference, let issuerReference = operation.issuerReference else {
            preconditionFailure("an overlapped operation completed twice")
        }
        if let overlapped = operation.overlapped {
            cwinsock_overlapped_publish(overlapped, UInt(UInt32(bitPattern: status)), UInt(bytes))
        }
        // Borrowed, not retained: the operation keeps both alive while this runs, and a retain here would
        // move their reference counts between the engine and the issuing thread on every completion.
        recordReference._withUnsafeGuaranteedRef { record in
            issuerReference._withUnsafeGuaranteedRef { issuer in
                record.overlappedCounts.wrappingSubtract(SocketRecord.outstandingUnit, ordering: .relaxed)
                if let routine = operation.routine {
                    // A thread that has exited cannot run its routines ("All I/O initiated by a given thread
                    // is canceled when that thread exits"): the status is published, the routine dropped.
                    if !issuer.exited.load(ordering: .acquiring) {
                        let queued = QueuedRoutine(
                            routine: routine, error: DWORD(UInt32(bitPattern: status)),
                            bytes: DWORD(truncatingIfNeeded: bytes), overlapped: operation.overlapped,
                            socket: record.handle, record: record)
                        issuer.waiter.queueRoutine(queued)
                        if !inline && issuer.waiter.isAlertable { issuer.waiter.wake() }
                    }
                } else {
                    operation.signalEvent()
                }
                record.notifyCompletionWaiters()
            }
        }
    }
    OperationPool.give(reference, onIssuingThread: inline)
}
