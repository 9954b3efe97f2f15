import Glibc

/// Overlapped operations being written to one socket, oldest first, and the sendmsg that carries them.
///
/// Whoever transmits a socket's queued sends uses one: the engine thread (`EngineSocket`) or a thread
/// that flushes its own sends in a wait (`ParkedSends`). A stream socket's operations are written
/// together, their iovecs gathered into one sendmsg (up to IOV_MAX), then completed one by one by byte
/// count; a datagram socket sends one operation per sendmsg. Pure bookkeeping apart from `complete`
/// (EngineBookkeepingTests script it).
final class SendBatch {
    /// Taken from the socket's queue, oldest first; the head may be partly sent. Like the iovecs, it
    /// starts small (one is made per socket that sends overlapped) and grows once to what the socket
    /// keeps outstanding, then stays.
    let operations = RingBuffer<OperationRef>(capacity: 2)
    /// The iovecs and message of the sendmsg, on the heap: with io_uring the kernel reads them after the
    /// submitting call returns.
    @exclusivity(unchecked) private(set) var iov: UnsafeMutablePointer<iovec>
    @exclusivity(unchecked) private var iovCapacity: Int
    let message: UnsafeMutablePointer<msghdr>
    /// The flags of the prepared sendmsg.
    @exclusivity(unchecked) private(set) var flags: Int32 = 0
    /// `joinedCapacity` bytes, made the first time small buffers are joined (`joinLeadingSmallBuffers`).
    @exclusivity(unchecked) private var joined: UnsafeMutableRawPointer?

    /// A buffer this long or shorter is copied into `joined` rather than given to the kernel as an iovec
    /// of its own. On loopback (AMD EPYC VM, a C loop of one sendmsg of 64 iovecs against a copy of the
    /// same buffers and one send) copying won by half at 64 bytes a buffer (30-33 against 54-69 ns a
    /// buffer), was within the noise at 256 and 512, and lost at 1,024, where the second copy costs more
    /// than the kernel's per-iovec work saves.
    static let smallBuffer = 256
    /// The most bytes joined into one buffer: 64 small buffers of the largest kind.
    static let joinedCapacity = 16384

    init() {
        iovCapacity = 2
        iov = .allocate(capacity: iovCapacity)
        message = .allocate(capacity: 1)
        message.initialize(to: msghdr())
    }

    deinit {
        iov.deallocate()
        message.deallocate()
        joined?.deallocate()
    }

    /// Builds the next sendmsg from the head operations: on a stream socket the unsent iovecs of
    /// consecutive operations with the same flags, up to `limit`; on a datagram socket the head operation
    /// alone. False when there is nothing to send.
    func prepare(stream: Bool, limit: Int) -> Bool {
        guard let head = operations.first else { return false }
        flags = head.with { $0.linuxFlags }
        var count = 0
        if stream {
            var position = 0
            while position < operations.count && count < limit {
                let added: Int? = operations[position].with { operation in
                    if operation.linuxFlags != flags { return nil }
                    reserve(count + min(operation.unsentIovecs, limit - count))
                    return operation.fillUnsent(iov + count, limit: limit - count)
                }
                guard let added else { break }
                count += added
                position += 1
            }
        } else {
            count = head.with { operation in
                reserve(operation.unsentIovecs)
                return operation.fillUnsent(iov, limit: operation.unsentIovecs)
            }
        }
        message.pointee = msghdr()
        message.pointee.msg_iov = iov
        message.pointee.msg_iovlen = count
        // A WSASendTo datagram carries its own address (a stream's operations never do).
        if !stream { message.pointee.address(head.with { $0.destinationAddress }) }
        return true
    }

    /// Copies the prepared message's leading run of small buffers (`smallBuffer` bytes or fewer each,
    /// `joinedCapacity` in all) into `joined`, and starts the message with one iovec over the copy instead;
    /// nothing changes when fewer than two buffers lead. The kernel takes the same bytes in the same order,
    /// as one datagram where the message is one, and `distribute` spreads what it took by byte count as
    /// before.
    ///
    /// Why: a burst of small overlapped sends is one sendmsg of many short iovecs, and the kernel's work
    /// per iovec (copying each from user space on its own) cost more than the sends' bytes. 64 sends of
    /// 64 bytes become one `sendto` of 4 KiB.
    ///
    /// Only for a sendmsg made before `prepare` is called again, as a thread's own flush makes it
    /// (`ParkedSends`): the copy is overwritten by the next join. Not for the engine's, whose message
    /// io_uring may read after the submitting call returns.
    func joinLeadingSmallBuffers() {
        let count = message.pointee.msg_iovlen
        guard count > 1, iov[0].iov_len <= Self.smallBuffer, iov[1].iov_len <= Self.smallBuffer else { return }
        var run = 0
        var bytes = 0
        while run < count {
            let length = iov[run].iov_len
            guard length <= Self.smallBuffer, bytes + length <= Self.joinedCapacity else { break }
            bytes += length
            run += 1
        }
        guard run > 1 else { return }
        let joined = self.joined ?? makeJoined()
        var offset = 0
        for index in 0..<run where iov[index].iov_len > 0 {
            memcpy(joined + offset, iov[index].iov_base, iov[index].iov_len)
            offset += iov[index].iov_len
        }
        iov[run - 1] = iovec(iov_base: joined, iov_len: bytes)
        message.pointee.msg_iov = iov + (run - 1)
        message.pointee.msg_iovlen = count - (run - 1)
    }

    @inline(never)
    private func makeJoined() -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.joinedCapacity, alignment: 16)
        joined = buffer
        return buffer
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
    /// finishes to `finished`, oldest first.
    func distribute(_ bytes: Int, finished: (OperationRef) -> Void) {
        var left = bytes
        while let head = operations.first {
            let done = head.with { operation in
                let taken = min(left, operation.remaining)
                operation.advance(by: taken)
                left -= taken
                return operation.isFinished
            }
            guard done else { break }
            operations.removeFirst()
            finished(head)
        }
    }

    /// Removes the cancelled operations, wherever they stand in the queue.
    func removeCancelled() -> [OperationRef] {
        operations.removeAll { $0.with { $0.cancelStatus != 0 } }
    }

    /// What a sendmsg's answer leaves the sender to do.
    enum Next: Equatable {
        /// Send again now: operations are left and nothing says to wait.
        case sendAgain
        /// The send buffer is full: wait until the socket is writable.
        case waitWritable
        /// Nothing is left.
        case empty
    }

    /// Applies one sendmsg answer (bytes, or `-errno`): finished operations complete, a failure fails the
    /// head datagram or, on a stream, every queued send of the socket (the connection is broken). The
    /// handoff is what emptying the socket's queue then left to do; the caller performs it.
    func absorb(_ result: Int, record: SocketRecord, issuer current: ThreadContext?) -> (next: Next, then: Handoff) {
        let here = current.map { ObjectIdentifier($0) }
        if result >= 0 {
            if record.isStream {
                var completed = 0
                distribute(result) { finished in
                    let (total, issuer) = finished.with { ($0.total, $0.issuerIdentity) }
                    complete(finished, status: 0, bytes: total, inline: issuer == here)
                    completed += 1
                }
                // Written only when it changes: the issuing threads read it on every send.
                let inBursts = completed > 1
                if record.sendsComeInBursts.load(ordering: .relaxed) != inBursts {
                    record.sendsComeInBursts.store(inBursts, ordering: .relaxed)
                }
            } else if let head = operations.removeFirst() {
                complete(head, status: 0, bytes: result, inline: head.with { $0.issuerIdentity } == here)
            }
            return (operations.isEmpty ? .empty : .sendAgain, .none)
        }
        let code = Int32(-result)
        switch code {
        case EAGAIN, EWOULDBLOCK:
            return (.waitWritable, .none)
        case ECANCELED, EINTR:
            return (operations.isEmpty ? .empty : .sendAgain, .none)
        case ECONNREFUSED where record.isDatagram && !record.reportsPortUnreachable.load(ordering: .relaxed):
            return (.sendAgain, .none)  // SIO_UDP_CONNRESET off: the ICMP error is dropped and the datagram sent again
        default:
            let then = fail(record, errno: code, issuer: here)
            return (operations.isEmpty ? .empty : .sendAgain, then)
        }
    }

    /// A datagram's operation fails alone; on a stream every queued send fails with the same code.
    private func fail(_ record: SocketRecord, errno code: Int32, issuer here: ObjectIdentifier?) -> Handoff {
        // On a socket being closed, whatever failed was cancelled by the close.
        let status =
            record.closed.load(ordering: .acquiring)
            ? WSA_OPERATION_ABORTED : ErrnoMapping.code(forErrno: code, in: record.situation(.send))
        if record.isDatagram {
            if let head = operations.removeFirst() {
                complete(head, status: status, bytes: 0, inline: head.with { $0.issuerIdentity } == here)
            }
            return .none
        }
        while let operation = operations.removeFirst() {
            let (sent, issuer) = operation.with { ($0.sent, $0.issuerIdentity) }
            complete(operation, status: status, bytes: sent, inline: issuer == here)
        }
        let (queued, handoff) = record.sendQueue.removeOverlapped(where: { _ in true })
        for operation in queued {
            complete(operation, status: status, bytes: 0, inline: operation.with { $0.issuerIdentity } == here)
        }
        return handoff
    }
}
