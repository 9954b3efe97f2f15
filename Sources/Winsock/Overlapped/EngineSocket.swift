import Glibc

/// The engine's own state for one socket: the operations it has taken from the socket's queue and the
/// one transmission in flight. Only the engine thread touches it.
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
    /// The operations and the sendmsg in flight, while the engine holds operations of the socket: lent
    /// from the engine's spare batches when a transmission starts and given back when the socket has
    /// nothing left (`EngineLoop.transmit`). Every socket that made an overlapped send is known to the
    /// engine (so that a close or a thread's exit cancels there), and a batch of its own (five heap
    /// blocks, about 250 bytes) in each idle connection of a 10,000-connection run was 2.5 MB.
    @exclusivity(unchecked) var lentBatch: SendBatch?
    /// The lent batch: only while the engine holds operations (sending, waiting for room, or between).
    var batch: SendBatch { lentBatch! }
    /// True when the engine holds operations of the socket.
    var holdsOperations: Bool { lentBatch.map { !$0.operations.isEmpty } ?? false }
    /// The socket was closed: drop the state once nothing is in flight.
    @exclusivity(unchecked) var forgotten = false
    /// A cancellation asked the kernel to stop the in-flight transmission.
    @exclusivity(unchecked) var cancelRequested = false
    /// Operations a cancellation took from the socket's queue while older ones were in flight: they
    /// complete after those, so that completions keep the order of the calls.
    @exclusivity(unchecked) var cancelledBehind: [(operation: OperationRef, status: Int32)] = []

    /// `batch` lends the socket a batch at once, as the engine does when it transmits (the bookkeeping
    /// tests drive one by hand).
    init(record: SocketRecord, batch: SendBatch? = nil) {
        self.record = record
        lentBatch = batch
    }

    /// The key of the engine's table.
    var key: ObjectIdentifier { ObjectIdentifier(record) }

    var operations: RingBuffer<OperationRef> { batch.operations }

    var message: UnsafeMutablePointer<msghdr> { batch.message }
    var flags: Int32 { batch.flags }
}
