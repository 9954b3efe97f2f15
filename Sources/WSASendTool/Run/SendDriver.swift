import Winsock

/// What a mode driver gets: the plan, the connected sockets and the shared run state.
struct DriveContext: Sendable {
    let plan: RunPlan
    let control: RunControl
    let events: RunEvents
    /// The pattern's buffers, shared read-only by every connection; or the file's, for the one connection.
    let payload: PayloadBuffers
    let file: InputFile?
    /// Per connection, in the order of `connections`.
    let live: LiveCounters
    /// When the run started sending (monotonic nanoseconds).
    let started: UInt64
    /// How the run is watched: whether the lone connection's loop runs on the calling thread and writes
    /// its own progress lines.
    let supervisor: RunSupervisor
    /// The run's latency clock: calls are timed, and their readings converted, with its calibration.
    let clock: LatencyClock
    /// With `--no-connect`, where every datagram goes (by WSASendTo); nil sends on the connected socket.
    var destination: SocketAddress? {
        get { destinationBox?.address }
        set { destinationBox = newValue.map(Destination.init) }
    }
    /// The destination behind a reference, so that the per-call test is a pointer's: an optional
    /// `SocketAddress` stored inline was copied (136 bytes, memcpy) on every call, even when nil.
    private(set) var destinationBox: Destination?

    /// A WSASendTo destination, allocated once per run.
    final class Destination: Sendable {
        let address: SocketAddress
        init(_ address: SocketAddress) { self.address = address }
    }

    /// With interval reports, where each sending thread leaves its intervals: one lane per connection
    /// (the overlapped driver, one thread, uses the first); empty without them.
    var lanes: [IntervalLane] = []

    /// The interval cuts of the thread sending on connection `position`; nil without interval reports.
    func intervalCuts(lane position: Int) -> IntervalCuts? {
        IntervalCuts(
            lane: lanes.indices.contains(position) ? lanes[position] : nil, every: plan.reportInterval,
            started: started, clock: clock)
    }
}

/// One connection's figures at the end of the drive.
struct ConnectionOutcome {
    /// The counters, in the object the report's entry keeps: the driver's own where it counted in one (the
    /// overlapped connection), else a copy made here.
    var counters: ConnectionCounters
    /// The code that ended the connection, if one did.
    var error: Int32?
    /// When the connection was shut down and closed (monotonic nanoseconds); nil if the driver left it
    /// to the runner.
    var ended: UInt64?

    /// Counters the driver kept as a value.
    init(counters: CallCounters = CallCounters(), error: Int32? = nil, ended: UInt64? = nil) {
        self.init(countedIn: ConnectionCounters(counters), error: error, ended: ended)
    }

    /// Counters the driver kept in an object of its own, which the report then keeps.
    init(countedIn counters: ConnectionCounters, error: Int32?, ended: UInt64?) {
        self.counters = counters
        self.error = error
        self.ended = ended
    }
}

/// Each connection's outcome by position, read from wherever the driver kept it, so that the runner
/// copies each connection's figures once, straight into the report. Copied into arrays first, they
/// were new memory (144 bytes a connection) touched at the very end of a run, when nothing freed
/// before could hold them: 1.4 MB of a 10,000-connection run's peak.
///
/// Read on the thread that drove, after the drive (the overlapped driver's connections are that
/// thread's alone).
struct ConnectionOutcomes: @unchecked Sendable {
    let count: Int
    private let read: (Int) -> ConnectionOutcome

    init(count: Int, read: @escaping (Int) -> ConnectionOutcome) {
        self.count = count
        self.read = read
    }

    /// A driver that kept its outcomes in a list.
    init(_ outcomes: [ConnectionOutcome]) { self.init(count: outcomes.count) { outcomes[$0] } }

    subscript(position: Int) -> ConnectionOutcome { read(position) }
}

/// What a driver hands back: each connection's counters, error and end, and the merged latencies.
struct DriveResult: Sendable {
    var outcomes: ConnectionOutcomes
    var latency = LatencyRecorder()
    /// With `--rate`, latencies from each set's intended start (see `NonOverlappedWorker.Result`).
    var scheduled = LatencyRecorder()
    /// A failure that ends the run with its own status (an unreadable input file: 66).
    var failure: ToolFailure?
    /// The overlapped engine's backend, in the overlapped modes.
    var backend: String?
}

/// One way of calling WSASend on a set of connected sockets: the tool's `--mode`. The non-overlapped modes
/// use a thread per connection; the overlapped ones (event, routine) drive every connection from one
/// thread with `outstanding` calls in flight. A driver returns when every connection has ended (its
/// limit reached, its payload over, a failure, or a stop), and ends each connection (`RunControl.finish`)
/// as soon as it is done, not when the last one is.
protocol SendDriver: Sendable {
    func drive(_ connections: [SOCKET], context: DriveContext) -> DriveResult
}

/// The driver for a mode.
func sendDriver(for mode: SendMode) -> (any SendDriver)? {
    switch mode {
    case .blocking, .nonblocking: NonOverlappedDriver()
    case .event: OverlappedDriver(routines: false)
    case .routine: OverlappedDriver(routines: true)
    }
}
