import Glibc

/// The engine's own state for one socket: the operations it has taken from the socket's queue, in call
/// order, and the one transmission in flight.
///
/// Only the engine thread touches it. A stream socket's operations are written together, their iovecs
/// gathered into one sendmsg (up to IOV_MAX), then completed one by one by byte count
/// (`distribute`); a datagram socket sends one operation per sendmsg.
final class EngineSocket {
    enum State: Equatable {
        case idle
        /// A sendmsg is in flight; its result decides what the operations became.
        case sending
        /// Waiting for room in the send buffer.
        case waitingWritable
    }

    let record: SocketRecord
    @exclusivity(unchecked) var state = State.idle
    /// Taken from the socket's queue, oldest first; the head may be partly sent.
    @exclusivity(unchecked) var operations = RingBuffer<OverlappedOperation>(capacity: 4)
    /// The socket was closed: drop the state once nothing is in flight.
    @exclusivity(unchecked) var forgotten = false
    /// A cancellation asked the kernel to stop the in-flight transmission.
    @exclusivity(unchecked) var cancelRequested = false
    /// The iovecs and message of the transmission in flight, on the heap: the kernel reads them after
    /// the submitting call returns.
    @exclusivity(unchecked) private(set) var iov: UnsafeMutablePointer<iovec>
    @exclusivity(unchecked) private var iovCapacity: Int
    let message: UnsafeMutablePointer<msghdr>
    /// The flags of the transmission in flight.
    @exclusivity(unchecked) private(set) var flags: Int32 = 0

    init(record: SocketRecord) {
        self.record = record
        iovCapacity = 8
        iov = .allocate(capacity: iovCapacity)
        message = .allocate(capacity: 1)
        message.initialize(to: msghdr())
    }

    deinit {
        iov.deallocate()
        message.deallocate()
    }

    /// The key of the engine's table.
    var key: ObjectIdentifier { ObjectIdentifier(record) }

    /// Builds the next transmission from the head operations: for a stream socket the unsent iovecs of
    /// consecutive operations with the same flags, up to `limit`; for a datagram socket the head
    /// operation alone. Returns false when there is nothing to send.
    func prepareBatch(limit: Int) -> Bool {
        guard let head = operations.first else { return false }
        flags = head.linuxFlags
        var count = 0
        if record.isStream {
            var position = 0
            while position < operations.count && count < limit {
                let operation = operations[position]
                if operation.linuxFlags != flags { break }
                reserve(count + min(operation.unsentIovecs, limit - count))
                count += operation.fillUnsent(iov + count, limit: limit - count)
                position += 1
            }
        } else {
            reserve(head.unsentIovecs)
            count = head.fillUnsent(iov, limit: head.unsentIovecs)
        }
        message.pointee = msghdr()
        message.pointee.msg_iov = iov
        message.pointee.msg_iovlen = count
        return true
    }

    private func reserve(_ needed: Int) {
        guard needed > iovCapacity else { return }
        let grown = UnsafeMutablePointer<iovec>.allocate(capacity: max(needed, iovCapacity * 2))
        grown.update(from: iov, count: iovCapacity)
        iov.deallocate()
        iov = grown
        iovCapacity = max(needed, iovCapacity * 2)
    }

    /// Spreads `bytes` the transport took over the head operations in order, handing each operation it
    /// finishes to `finished`, oldest first. Pure bookkeeping (EngineBookkeepingTests script it).
    func distribute(_ bytes: Int, finished: (OverlappedOperation) -> Void) {
        var left = bytes
        while let head = operations.first {
            let taken = min(left, head.remaining)
            head.advance(by: taken)
            left -= taken
            guard head.isFinished else { break }
            operations.removeFirst()
            finished(head)
        }
    }

    /// Removes the cancelled operations, wherever they stand in the queue.
    func removeCancelled() -> [OverlappedOperation] {
        operations.removeAll { $0.cancelStatus != 0 }
    }
}
