/// The parked sockets of a thread: sockets whose overlapped sends it parked instead of waking the
/// engine, sent when it next waits (`ParkedSends`), and the batch it writes them with.
struct ParkedSockets: ThreadContextPart {
    let unmanagedContext: Unmanaged<ThreadContext>

    /// No socket is parked.
    @inline(__always)
    var isEmpty: Bool { withContext { $0.parkedRecords.isEmpty } }

    /// Runs `body` with the batch this thread writes parked sends with.
    @inline(__always)
    func withFlushBatch<Result>(_ body: (SendBatch) -> Result) -> Result {
        withContext { body($0.flushBatch) }
    }

    /// Remembers a socket whose sends this thread parked.
    @inline(__always)
    func park(_ record: SocketRecord) { withContext { $0.parkedRecords.append(record) } }

    /// Forgets and returns the socket parked last, nil when none is.
    @inline(__always)
    func takeLast() -> SocketRecord? { withContext { $0.parkedRecords.popLast() } }
}

extension ThreadContext {
    /// The sockets this thread parked.
    @inline(__always)
    var parkedSockets: ParkedSockets { ParkedSockets(unmanagedContext: .passUnretained(self)) }
}
