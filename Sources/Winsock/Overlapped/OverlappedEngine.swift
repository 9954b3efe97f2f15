import Glibc
import Locking
import Synchronization

/// The one thread that drives every overlapped send of the process.
///
/// Issuing threads put operations in their socket's ordered queue (`SendQueue`) and tell the engine when
/// a socket needs it; the engine takes the operations in order, writes them through its backend, and
/// completes them: `Internal`/`InternalHigh`, then the event or the issuing thread's completion routine.
/// Requests reach the engine through a locked list and a wake-up eventfd, which is written only when
/// the engine sleeps.
///
/// A parked socket (see `SendQueue`) is usually sent by the thread that parked it, when that thread
/// waits; the engine takes it over only after `parkingGrace`, and while it has been busy lately it
/// sleeps in ticks rather than indefinitely, so that parking never needs a wake-up system call.
final class OverlappedEngine: Sendable {
    /// The engine. Only code that runs after `prepare()` or `start()` succeeded uses it: the socket it
    /// acts for was registered with the engine (`SocketRecord.engineRegistered`) by a successful start.
    static var shared: OverlappedEngine {
        Unmanaged<OverlappedEngine>.fromOpaque(UnsafeRawPointer(bitPattern: made.load(ordering: .acquiring))!)
            .takeUnretainedValue()
    }

    /// The engine's address once it is made (it is never released), 0 before.
    private static let made = Atomic<UInt>(0)
    /// True once the engine's thread runs.
    private static let threadRuns = Atomic<Bool>(false)

    /// Makes the engine unless it exists: its wake-up eventfd and its backend (the io_uring ring), but
    /// not its thread (`start`). 0, or the WSA code of what it lacked: WSAEMFILE when the process or the
    /// system is out of descriptors, WSAENOBUFS when memory ran out. A failed attempt leaves nothing
    /// behind, so a later call may try again.
    static func prepare() -> Int32 {
        if made.load(ordering: .acquiring) != 0 { return 0 }
        cwinsock_engine_start_lock()
        defer { cwinsock_engine_start_unlock() }
        if made.load(ordering: .acquiring) != 0 { return 0 }
        switch OverlappedEngine.make() {
        case .success(let engine):
            made.store(UInt(bitPattern: Unmanaged.passRetained(engine).toOpaque()), ordering: .releasing)
            return 0
        case .failure(let failure): return failure.code
        }
    }

    /// Makes the engine if need be and starts its thread unless it runs: 0, or what `prepare` lacked, or
    /// WSAENOBUFS when no thread could start (a later call tries again).
    ///
    /// The thread starts with the first send that needs it (`engineRegistered`), not with the engine: a
    /// process whose overlapped sends all complete inside WSASend (datagrams the socket takes as they
    /// come) then has no thread of the library's. That matters to a process of one thread: while a second
    /// thread lives, the descriptor table is shared, and every system call on a socket takes and drops a
    /// reference on its file (a one-connection UDP run with 64 sends outstanding made 1 to 4 % more
    /// datagrams a second, 12 alternating rounds, once neither this thread nor the tool's ran beside it).
    static func start() -> Int32 {
        if threadRuns.load(ordering: .acquiring) { return 0 }
        let prepared = prepare()
        guard prepared == 0 else { return prepared }
        cwinsock_engine_start_lock()
        defer { cwinsock_engine_start_unlock() }
        if threadRuns.load(ordering: .acquiring) { return 0 }
        guard shared.loop.start(engine: shared) == 0 else { return WSAENOBUFS }
        threadRuns.store(true, ordering: .releasing)
        return 0
    }

    /// Why the engine could not start, as a Winsock code.
    struct StartFailure: Error { let code: Int32 }

    enum Request: @unchecked Sendable {
        /// The socket has operations for the engine (or will soon: registration).
        case work(SocketRecord)
        /// Cancels pending sends of a socket (all, or one thread's) with `status`; `forget` when the
        /// socket closed; `done` is told when every matching operation has completed.
        case cancel(SocketRecord, thread: ThreadContext?, status: Int32, forget: Bool, done: CancelCompletion?)
        /// A thread exited: cancel its pending sends on every socket.
        case threadExited(ThreadContext)
        /// The socket's sends were parked at `since` (monotonic ns): take them over after the grace period
        /// unless a waiting thread has sent them by then.
        case parked(SocketRecord, since: UInt64)
    }

    /// The engine thread's name, as `top -H`, `ps -L` and /proc show it (at most 15 bytes).
    static let threadName = "winsock-engine"

    /// How long parked sends wait for their thread before the engine sends them.
    static let parkingGrace: UInt64 = 1_000_000
    /// The engine's sleeps while it has been busy lately, and how long "lately" lasts.
    static let tick: UInt64 = 1_000_000
    static let linger: UInt64 = 50_000_000

    private let requests = Locked<[Request]>([])
    private let requestCount = Atomic<Int>(0)
    /// 0 awake, 1 asleep until a tick, 2 asleep until woken.
    private let sleepState = Atomic<UInt8>(0)
    private let wakeFD: Int32
    /// "io_uring" or "poll (...)": what the reports name.
    let backendName: String
    /// The loop the engine's thread runs, kept until `start` starts it.
    private let loop: any EngineLoopRunning

    private init(wakeFD: Int32, loop: any EngineLoopRunning) {
        self.wakeFD = wakeFD
        self.loop = loop
        backendName = loop.backendName
    }

    /// Makes the engine, without its thread, or says what was missing (and closes what it opened).
    private static func make() -> Result<OverlappedEngine, StartFailure> {
        let fd = system_eventfd()
        guard fd >= 0 else {
            return .failure(StartFailure(code: ErrnoMapping.code(forErrno: -fd, in: ErrnoSituation(call: .other))))
        }
        let loop: any EngineLoopRunning
        let choice = getenv("WSASEND_BACKEND").map { String(cString: $0) } ?? "uring"
        if choice == "poll" {
            loop = EngineLoop(backend: PollBackend(wakeFD: fd, reason: nil))
        } else {
            switch UringBackend.make(wakeFD: fd) {
            case .success(let uring): loop = EngineLoop(backend: uring)
            case .failure(let error):
                loop = EngineLoop(backend: PollBackend(wakeFD: fd, reason: "io_uring unavailable: \(error)"))
            }
        }
        let engine = OverlappedEngine(wakeFD: fd, loop: loop)
        ThreadExitHooks.install { context in
            context.exited.store(true, ordering: .releasing)
            context.waiter.dropQueuedRoutines()
            if context.operationPool.hasPendingAcquiring {
                OverlappedEngine.shared.post(.threadExited(context))
            }
        }
        return .success(engine)
    }

    /// Hands the engine a request, waking it if it sleeps (`urgent`), or only if it sleeps indefinitely.
    func post(_ request: Request, urgent: Bool = true) {
        requests.withLock { $0.append(request) }
        requestCount.wrappingAdd(1, ordering: .sequentiallyConsistent)
        let state = sleepState.load(ordering: .sequentiallyConsistent)
        guard state == 2 || (urgent && state == 1) else { return }
        if sleepState.exchange(0, ordering: .sequentiallyConsistent) != 0 { system_eventfd_signal(wakeFD) }
    }

    /// The socket's queue passed its transmitter to the engine.
    func socketHasWork(_ record: SocketRecord) { post(.work(record)) }

    /// The socket's sends were parked: the engine takes them over after the grace period. A ticking engine
    /// sees the request at its next tick, well within the grace period, so it is not woken.
    func socketParked(_ record: SocketRecord) {
        post(.parked(record, since: MonotonicClock.now()), urgent: false)
    }

    /// Cancels every pending overlapped send of a socket, as closesocket does. A socket that never had
    /// an overlapped send has nothing to cancel (and the engine is not started for it).
    static func cancelAll(on record: SocketRecord, status: Int32, forget: Bool) {
        guard record.engineRegistered.load(ordering: .acquiring) else { return }
        shared.post(.cancel(record, thread: nil, status: status, forget: forget, done: nil))
    }

    // MARK: Engine thread side

    /// Takes the waiting requests.
    func takeRequests(into list: inout [Request]) {
        requests.withLock { pending in
            list.append(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
        }
        requestCount.store(0, ordering: .sequentiallyConsistent)
    }

    /// Marks the engine asleep (until a tick, or until woken) unless requests are waiting; true when it
    /// may block.
    func prepareToSleep(indefinitely: Bool) -> Bool {
        sleepState.store(indefinitely ? 2 : 1, ordering: .sequentiallyConsistent)
        if requestCount.load(ordering: .sequentiallyConsistent) > 0 {
            sleepState.store(0, ordering: .sequentiallyConsistent)
            return false
        }
        return true
    }

    func wokeUp() { sleepState.store(0, ordering: .sequentiallyConsistent) }
}

/// Lets a caller of SIO_FLUSH wait until the cancelled operations have completed.
final class CancelCompletion: Sendable {
    let context: ThreadContext
    let finished = Atomic<Bool>(false)

    /// Must run on the thread of `context`: the wake descriptor exists before the engine can signal it.
    init(context: ThreadContext) {
        self.context = context
        context.waiter.wakeFD()
    }

    func signal() {
        finished.store(true, ordering: .releasing)
        context.waiter.wake()
    }

    func wait() {
        while !finished.load(ordering: .acquiring) { _ = context.waiter.wait(until: nil, alertable: false) }
    }
}

protocol EngineLoopRunning: AnyObject, Sendable {
    var backendName: String { get }
    /// Starts the engine thread: 0, or pthread_create's error.
    func start(engine: OverlappedEngine) -> Int32
}

/// The engine thread's loop over one backend (generic, so the backend's calls are direct).
final class EngineLoop<Backend: EngineBackend>: EngineLoopRunning, @unchecked Sendable {
    @exclusivity(unchecked) var backend: Backend
    @exclusivity(unchecked) private var sockets: [ObjectIdentifier: EngineSocket] = [:]
    /// Sockets whose next transmission should start.
    @exclusivity(unchecked) var ready: [EngineSocket] = []
    @exclusivity(unchecked) private var pendingRequests: [OverlappedEngine.Request] = []
    @exclusivity(unchecked) private var events: [EngineEvent] = []
    /// Cancellations still waiting for an in-flight transmission to come back.
    @exclusivity(unchecked) var waitingCancels: [(EngineSocket, CancelCompletion)] = []
    /// Batches no socket holds, lent to the next socket the engine transmits for: as many as sockets the
    /// engine has had operations of at once, and none made in a steady stream of transmissions.
    @exclusivity(unchecked) private var spareBatches: [SendBatch] = []
    /// Parked sockets and when their grace period ends.
    @exclusivity(unchecked) private var parked: [(socket: EngineSocket, due: UInt64)] = []
    /// When the engine last had something to do.
    @exclusivity(unchecked) private var lastActivity: UInt64 = 0

    init(backend: Backend) { self.backend = backend }

    var backendName: String { backend.name }

    func start(engine: OverlappedEngine) -> Int32 {
        let box = Unmanaged.passRetained(EngineStart { self.run(engine) }).toOpaque()
        // The thread starts with every signal blocked, and keeps them so: an application's handler never
        // runs on it. A handler may count on running on one of the application's own threads (the tool's
        // stops a run of one thread from the thread it interrupts), and the thread may start in the
        // middle of a run whose process had only one.
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<EngineStart>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<EngineStart>.fromOpaque(box).release()
            return status
        }
        pthread_detach(thread)
        return 0
    }

    private func run(_ engine: OverlappedEngine) {
        cwinsock_name_this_thread(OverlappedEngine.threadName)
        pendingRequests.reserveCapacity(64)
        events.reserveCapacity(256)
        while true {
            engine.takeRequests(into: &pendingRequests)
            var now = MonotonicClock.now()
            if !pendingRequests.isEmpty { lastActivity = now }
            for request in pendingRequests { handle(request, now: now) }
            pendingRequests.removeAll(keepingCapacity: true)
            claimParked(now: now)
            while let socket = ready.popLast() { transmit(socket) }
            now = MonotonicClock.now()
            // Asleep until the next parked socket is due, in ticks while busy lately, or until woken. Due
            // times are looked at no more often than each tick: an application that parks sends all the
            // time (and flushes them itself) would otherwise wake the engine for every one.
            var timeout: UInt64? = parked.lazy.map(\.due).min().map {
                $0 > now ? max($0 - now, OverlappedEngine.tick) : 0
            }
            if timeout == nil && now &- lastActivity < OverlappedEngine.linger { timeout = OverlappedEngine.tick }
            if engine.prepareToSleep(indefinitely: timeout == nil) {
                backend.wait(into: &events, timeout: timeout)
                engine.wokeUp()
            } else {
                continue
            }
            if !events.isEmpty { lastActivity = MonotonicClock.now() }
            for event in events {
                switch event {
                case .sent(let socket, let result): sendFinished(socket, result: result)
                case .writable(let socket):
                    socket.state = .idle
                    transmit(socket)
                }
            }
            events.removeAll(keepingCapacity: true)
        }
    }

    private func engineSocket(for record: SocketRecord) -> EngineSocket {
        let key = ObjectIdentifier(record)
        if let known = sockets[key] { return known }
        let created = EngineSocket(record: record)
        sockets[key] = created
        return created
    }

    /// Takes over the parked sockets whose grace period has ended and that no thread has sent.
    private func claimParked(now: UInt64) {
        guard !parked.isEmpty else { return }
        parked.removeAll { entry in
            guard entry.due <= now else { return false }
            if entry.socket.record.sendQueue.claimParked(as: .engine) { ready.append(entry.socket) }
            return true
        }
    }

    private func handle(_ request: OverlappedEngine.Request, now: UInt64) {
        switch request {
        case .parked(let record, let since):
            parked.append((engineSocket(for: record), since &+ OverlappedEngine.parkingGrace))
        case .work(let record):
            let socket = engineSocket(for: record)
            if socket.state == .idle { ready.append(socket) }
        case .cancel(let record, let thread, let status, let forget, let done):
            cancel(engineSocket(for: record), thread: thread, status: status, done: done)
            if forget { engineSocket(for: record).forgotten = true }
            retireIfDone(engineSocket(for: record))
        case .threadExited(let context):
            for socket in Array(sockets.values) {
                cancel(socket, thread: context, status: WSA_OPERATION_ABORTED, done: nil)
            }
        }
    }

    /// Starts the socket's next transmission, or gives its transmitter back when it has nothing left
    /// (and its batch back to the spare ones).
    private func transmit(_ socket: EngineSocket) {
        guard socket.state == .idle else { return }
        if socket.lentBatch == nil { socket.lentBatch = spareBatches.popLast() ?? SendBatch() }
        while true {
            socket.record.sendQueue.takeOverlapped(into: socket.operations).perform(for: socket.record)
            if socket.operations.isEmpty {
                spareBatches.append(socket.batch)
                socket.lentBatch = nil
                retireIfDone(socket)
                return
            }
            if socket.record.isStream {
                // An empty stream send is done at once: there is nothing to give the transport.
                while let head = socket.operations.first, head.with({ $0.total == 0 }) {
                    socket.operations.removeFirst()
                    complete(head, status: 0, bytes: 0)
                }
                if socket.operations.isEmpty { continue }
            }
            break
        }
        _ = socket.batch.prepare(stream: socket.record.isStream, limit: ThreadContext.iovecCapacity)
        socket.state = .sending
        backend.startSend(socket)
    }

    private func sendFinished(_ socket: EngineSocket, result: Int) {
        socket.state = .idle
        let (next, then) = socket.batch.absorb(result, record: socket.record, issuer: nil)
        then.perform(for: socket.record)
        if next == .waitWritable && !socket.cancelRequested {
            socket.state = .waitingWritable
            backend.startWaitWritable(socket)
            return
        }
        finishCancelled(socket)
        transmit(socket)
    }

    /// Drops a closed socket's state once nothing of it is left.
    private func retireIfDone(_ socket: EngineSocket) {
        if socket.forgotten && socket.state == .idle && !socket.holdsOperations {
            sockets[socket.key] = nil
        }
    }
}

/// Carries the engine loop into its new thread.
private final class EngineStart: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
