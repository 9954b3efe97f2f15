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
    /// The operations and the sendmsg in flight.
    let batch = SendBatch()
    /// The socket was closed: drop the state once nothing is in flight.
    @exclusivity(unchecked) var forgotten = false
    /// A cancellation asked the kernel to stop the in-flight transmission.
    @exclusivity(unchecked) var cancelRequested = false
    /// Operations a cancellation took from the socket's queue while older ones were in flight: they
    /// complete after those, so that completions keep the order of the calls.
    @exclusivity(unchecked) var cancelledBehind: [(operation: OperationRef, status: Int32)] = []

    init(record: SocketRecord) {
        self.record = record
    }

    /// The key of the engine's table.
    var key: ObjectIdentifier { ObjectIdentifier(record) }

    var operations: RingBuffer<OperationRef> { batch.operations }

    var message: UnsafeMutablePointer<msghdr> { batch.message }
    var flags: Int32 { batch.flags }
}
