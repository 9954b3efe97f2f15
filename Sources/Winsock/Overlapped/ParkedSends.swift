import Glibc

/// A thread sends the overlapped operations it parked when it waits.
///
/// An application that keeps several overlapped sends in flight posts them and then waits (for an
/// event, in SleepEx, in WSAGetOverlappedResult). The posts park the socket instead of waking the
/// engine thread; the wait then writes every parked operation in one sendmsg on the waiting thread and
/// completes them there, so a burst costs one system call and no hand-off between threads. What the
/// kernel cannot take at once (a full send buffer) goes to the engine, which waits for room.
enum ParkedSends {
    /// Sends the parked operations of every socket this thread parked; true when any completed.
    @discardableResult
    static func flush(_ context: ThreadContext) -> Bool {
        guard !context.parkedSockets.isEmpty else { return false }
        var any = false
        while let record = context.parkedSockets.takeLast() {
            if flush(record, context: context) { any = true }
        }
        return any
    }

    /// Sends one socket's parked operations on the calling thread, if nobody has claimed them; true when
    /// it did.
    @discardableResult
    static func flush(_ record: SocketRecord, context: ThreadContext) -> Bool {
        guard record.sendQueue.claimParked(as: .caller) else { return false }
        return context.parkedSockets.withFlushBatch { batch in
            record.sendQueue.takeOverlapped(into: batch.operations, holder: .caller).perform(for: record)
            while true {
                if record.isStream {
                    // An empty stream send is done at once: there is nothing to give the transport.
                    let here = ObjectIdentifier(context)
                    while let head = batch.operations.first, head.with({ $0.total == 0 }) {
                        batch.operations.removeFirst()
                        complete(head, status: 0, bytes: 0, inline: head.with { $0.issuerIdentity } == here)
                    }
                }
                if batch.operations.isEmpty {
                    // Sends queued while this thread was writing follow in the same turn.
                    record.sendQueue.takeOverlapped(into: batch.operations, holder: .caller).perform(for: record)
                    if batch.operations.isEmpty { break }
                    continue
                }
                _ = batch.prepare(stream: record.isStream, limit: ThreadContext.iovecCapacity)
                // The sendmsg is made here and now, so small buffers may go as one copy.
                batch.joinLeadingSmallBuffers()
                let result = system_sendMessage(record.fd, batch.message, batch.flags | Int32(MSG_DONTWAIT))
                let (next, then) = batch.absorb(result, record: record, issuer: context)
                then.perform(for: record)
                if next == .waitWritable {
                    record.sendQueue.giveToEngine(batch.operations).perform(for: record)
                    return true
                }
            }
            record.sendQueue.release(record: record)
            return true
        }
    }
}
