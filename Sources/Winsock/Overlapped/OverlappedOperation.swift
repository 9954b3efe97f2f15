import Glibc
import Synchronization

/// One overlapped send: a copy of the caller's WSABUF array (as iovecs), where to report, and how far the
/// transport has got.
///
/// The issuing thread fills it in before it enters the socket's queue; from then on only the engine
/// touches it, until `complete` hands it back to the pool. Records are reused, so a steady stream of
/// overlapped sends allocates nothing.
final class OverlappedOperation: @unchecked Sendable {
    // Unowned: the socket's engine state (or the caller, inline) keeps the record alive while the
    // operation is pending, and a strong reference here would bounce its count between threads.
    @exclusivity(unchecked) unowned(unsafe) var record: SocketRecord?
    @exclusivity(unchecked) var overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?
    /// The event to signal when there is no completion routine.
    @exclusivity(unchecked) var event: EventObject?
    @exclusivity(unchecked) var routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
    @exclusivity(unchecked) var issuer: ThreadContext?
    /// MSG_NOSIGNAL and the caller's translated flags.
    @exclusivity(unchecked) var linuxFlags: Int32 = 0

    /// The captured buffers ("the Winsock service provider's responsibility to capture the WSABUF
    /// structures before returning from this call").
    @exclusivity(unchecked) private(set) var iov: UnsafeMutablePointer<iovec>
    @exclusivity(unchecked) private(set) var iovCapacity: Int
    @exclusivity(unchecked) private(set) var iovCount = 0
    /// A datagram of more than IOV_MAX buffers, copied whole so that it stays one datagram.
    @exclusivity(unchecked) private var coalesced: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private(set) var total = 0

    /// Bytes the transport has taken; the next unsent byte is `offset` into `iov[index]`.
    @exclusivity(unchecked) private(set) var sent = 0
    @exclusivity(unchecked) private var index = 0
    @exclusivity(unchecked) private var offset = 0
    /// Non-zero when the operation was cancelled (its completion status).
    @exclusivity(unchecked) var cancelStatus: Int32 = 0

    @exclusivity(unchecked) fileprivate var nextFree: OverlappedOperation?

    fileprivate init() {
        iovCapacity = 4
        iov = .allocate(capacity: iovCapacity)
    }

    deinit {
        iov.deallocate()
        coalesced?.deallocate()
    }

    var remaining: Int { total - sent }
    var isFinished: Bool { sent >= total }

    /// Copies the caller's buffers; empty ones are left out. A datagram of more than IOV_MAX buffers is
    /// copied into one buffer.
    func capture(_ buffers: UnsafePointer<WSABUF>?, count: Int, datagram: Bool) {
        iovCount = 0
        total = 0
        sent = 0
        index = 0
        offset = 0
        guard let buffers, count > 0 else { return }
        if datagram && count > ThreadContext.iovecCapacity {
            let copy = coalesced ?? UnsafeMutableRawPointer.allocate(byteCount: 65536, alignment: 16)
            coalesced = copy
            var length = 0
            for position in 0..<count where buffers[position].len > 0 {
                (copy + length).copyMemory(from: buffers[position].buf!, byteCount: Int(buffers[position].len))
                length += Int(buffers[position].len)
            }
            reserve(1)
            iov[0] = iovec(iov_base: copy, iov_len: length)
            iovCount = 1
            total = length
            return
        }
        reserve(count)
        for position in 0..<count where buffers[position].len > 0 {
            iov[iovCount] = iovec(
                iov_base: UnsafeMutableRawPointer(buffers[position].buf!), iov_len: Int(buffers[position].len))
            iovCount += 1
            total += Int(buffers[position].len)
        }
    }

    private func reserve(_ needed: Int) {
        guard needed > iovCapacity else { return }
        iov.deallocate()
        iovCapacity = max(needed, iovCapacity * 2)
        iov = .allocate(capacity: iovCapacity)
    }

    /// Writes the unsent part's iovecs into `target` (at most `limit`); returns how many.
    func fillUnsent(_ target: UnsafeMutablePointer<iovec>, limit: Int) -> Int {
        var written = 0
        var position = index
        var skip = offset
        while position < iovCount && written < limit {
            let base = iov[position].iov_base! + skip
            target[written] = iovec(iov_base: base, iov_len: iov[position].iov_len - skip)
            written += 1
            skip = 0
            position += 1
        }
        return written
    }

    /// Records `bytes` more taken by the transport (at most `remaining`).
    func advance(by bytes: Int) {
        sent += bytes
        var left = bytes
        while left > 0 && index < iovCount {
            let available = iov[index].iov_len - offset
            if left >= available {
                left -= available
                index += 1
                offset = 0
            } else {
                offset += left
                left = 0
            }
        }
    }

    /// The number of iovecs still unsent.
    var unsentIovecs: Int { iovCount - index }

    /// Drops the references the operation holds, for the pool.
    fileprivate func clear() {
        record = nil
        overlapped = nil
        event = nil
        routine = nil
        issuer = nil
        cancelStatus = 0
        iovCount = 0
        total = 0
        sent = 0
        index = 0
        offset = 0
    }
}

/// The free list of operation records, shared by issuing threads and the engine.
enum OperationPool {
    private static let free = Locked<OperationList>(OperationList())

    fileprivate struct OperationList: @unchecked Sendable {
        var head: OverlappedOperation?
        var count = 0
    }

    /// More than this many idle records are let go rather than kept.
    private static let keep = 65536

    static func take() -> OverlappedOperation {
        let reused = free.withLock { list -> OverlappedOperation? in
            guard let head = list.head else { return nil }
            list.head = head.nextFree
            head.nextFree = nil
            list.count -= 1
            return head
        }
        return reused ?? OverlappedOperation()
    }

    static func give(_ operation: OverlappedOperation) {
        operation.clear()
        free.withLock { list in
            guard list.count < keep else { return }
            operation.nextFree = list.head
            list.head = operation
            list.count += 1
        }
    }
}
