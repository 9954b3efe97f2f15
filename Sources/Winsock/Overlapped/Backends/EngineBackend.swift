/// What the engine learns from its backend.
enum EngineEvent {
    /// A sendmsg finished: bytes taken, or `-errno`.
    case sent(EngineSocket, Int)
    /// The socket can take more bytes (or the wait was cancelled).
    case writable(EngineSocket)
}

/// How the engine talks to the kernel: io_uring (`UringBackend`) or poll and sendmsg (`PollBackend`).
protocol EngineBackend {
    /// Names the backend in reports ("io_uring", "poll").
    var name: String { get }
    /// Starts the socket's prepared sendmsg; its result comes back from `wait`.
    mutating func startSend(_ socket: EngineSocket)
    /// Asks to hear when the socket is writable.
    mutating func startWaitWritable(_ socket: EngineSocket)
    /// Asks the kernel to stop the socket's transmission or wait; its event still comes back.
    mutating func cancel(_ socket: EngineSocket)
    /// Waits for events (not at all when some are ready), a wake-up through `wakeFD`, or `timeout`
    /// nanoseconds (nil: no limit), and appends the events to `events`.
    mutating func wait(into events: inout [EngineEvent], timeout: UInt64?)
}
