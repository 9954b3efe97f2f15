import CWinsock
import Glibc
import Locking
import Synchronization

/// What the library keeps per thread, in five named parts behind the one thread-local pointer: the
/// send scratch space, the waiter, the operation pool, the handle caches and the parked sockets. Each
/// part's fields are grouped below and its behaviour lives in its own file
/// (`ThreadContext+SendScratch.swift`, `ThreadContext+Waiter.swift` with `Waiting.swift`,
/// `OperationPool` in `Pipeline/OverlappedOperation.swift`, `ThreadContext+HandleCaches.swift`,
/// `Overlapped/ParkedSends.swift`).
///
/// The fields stay stored in this one class rather than in a type per part: parts stored as `var`
/// structs made reads of their class-typed fields (the free list, the APC queue, the event cache)
/// retains and releases, and parts as classes held by `let` cost a load more per field and still
/// retained around calls. Measured with callgrind (instructions per WSASend, 1x64 blocking / event
/// mode with 64 outstanding): flat 216 / 495, struct parts 216 / 552, class parts 231 / 527-546.
///
/// Created on a thread's first use of the library and released when the thread exits (a pthread key
/// destructor), which is also where that thread's pending overlapped sends are cancelled.
final class ThreadContext: @unchecked Sendable {
    // MARK: Send scratch space (ThreadContext+SendScratch.swift)

    /// IOV_MAX iovecs: the most one sendmsg takes.
    let iovecs: UnsafeMutablePointer<iovec>
    /// A message header over `iovecs` for the non-overlapped send's one sendmsg: kept here rather than
    /// zeroed and filled on the stack for every call.
    let message: UnsafeMutablePointer<msghdr>
    /// A datagram built from more than IOV_MAX buffers is copied here (at most 64 KiB), created lazily
    /// by `datagramBuffer()`.
    @exclusivity(unchecked) var datagramScratch: UnsafeMutableRawPointer?

    // MARK: Waiter (ThreadContext+Waiter.swift, Waiting.swift)

    /// An eventfd that other threads signal to wake this one, -1 until `wakeFD` made it (lazily, and
    /// again after a failure: atomic, since other threads read it while this one may create it).
    let wakeDescriptor = Atomic<Int32>(-1)
    /// Completion routines queued for this thread (APCs); only the engine and this thread touch it.
    let apcs = APCQueue()
    /// True while this thread waits in an alertable state: only then must a queued routine wake it.
    let isAlertable = Atomic<Bool>(false)
    /// Nesting of blocking calls whose alertable wait is running completion routines; a blocking call
    /// started inside such a routine fails with WSAEINPROGRESS instead of the spec's undefined behaviour.
    @exclusivity(unchecked) var routinesInsideBlockingCall = 0
    /// True while a blocking call of this thread waits (alertably).
    @exclusivity(unchecked) var inBlockingCall = false
    /// Sockets whose completion routine is running on this thread now (routines never nest per socket).
    @exclusivity(unchecked) var socketsInRoutine: [SOCKET] = []

    // MARK: Operation pool (OperationPool, Pipeline/OverlappedOperation.swift)

    /// Operations this thread issued that are still pending in the engine, for cancellation at exit.
    let pendingOperations = Atomic<Int>(0)
    /// Every operation record this thread created: the pool owns them (see `OperationRef`).
    @exclusivity(unchecked) var operations: [OverlappedOperation] = []
    /// Records ready for this thread's next overlapped sends (only this thread touches it).
    let freeOperations = RingBuffer<OperationRef>(capacity: 64)
    /// Records the engine has handed back: a lock-free stack (see `OperationPool`).
    let returnedOperations = Atomic<UInt>(0)

    // MARK: Handle caches (ThreadContext+HandleCaches.swift)

    /// Recently used event handles, so that the per-call event lookup takes no lock (see `EventCache`).
    let events = EventCache()
    /// The socket this thread looked up last, retained: the next call on it skips the table's lock.
    @exclusivity(unchecked) var cachedHandle: SOCKET = 0
    @exclusivity(unchecked) var cachedRecord: Unmanaged<SocketRecord>?

    // MARK: Parked sockets (Overlapped/ParkedSends.swift)

    /// Sockets whose overlapped sends this thread parked: it sends them when it next waits.
    @exclusivity(unchecked) var parkedSockets: [SocketRecord] = []
    /// The batch this thread writes parked sends with.
    let flushBatch = SendBatch()

    // MARK: The thread

    /// The thread has exited: its completion routines can no longer run and are dropped.
    let exited = Atomic<Bool>(false)
    /// Identifies the thread to the engine (which cancels its operations when it exits).
    let threadID: UInt64

    static let iovecCapacity = Int(IOV_MAX_COUNT)

    private static let nextID = Atomic<UInt64>(1)

    private init() {
        iovecs = .allocate(capacity: Self.iovecCapacity)
        iovecs.initialize(repeating: iovec(), count: Self.iovecCapacity)
        message = .allocate(capacity: 1)
        message.initialize(to: msghdr())
        message.pointee.msg_iov = iovecs
        threadID = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    deinit {
        cachedRecord?.release()
        iovecs.deallocate()
        message.deallocate()
        datagramScratch?.deallocate()
        let descriptor = wakeDescriptor.load(ordering: .relaxed)
        if descriptor >= 0 { system_close(descriptor) }
    }

    /// The calling thread's context, created on first use.
    @inline(__always)
    static var current: ThreadContext {
        if let raw = cwinsock_get_thread_context() {
            return Unmanaged<ThreadContext>.fromOpaque(raw).takeUnretainedValue()
        }
        return makeCurrent()
    }

    /// Runs `body` with the calling thread's context, without retaining it (the thread's own reference
    /// keeps it alive while the thread runs).
    @inline(__always)
    static func withCurrent<Result>(_ body: (ThreadContext) throws -> Result) rethrows -> Result {
        let raw = cwinsock_get_thread_context() ?? Unmanaged.passUnretained(makeCurrent()).toOpaque()
        return try Unmanaged<ThreadContext>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
    }

    @inline(never)
    private static func makeCurrent() -> ThreadContext {
        let context = ThreadContext()
        let raw = Unmanaged.passRetained(context).toOpaque()
        cwinsock_set_thread_context(raw)
        pthread_setspecific(threadExitKey, raw)
        return context
    }

    fileprivate static func threadExited(_ raw: UnsafeMutableRawPointer) {
        let context = Unmanaged<ThreadContext>.fromOpaque(raw).takeRetainedValue()
        cwinsock_set_thread_context(nil)
        ThreadExitHooks.run(context)
    }
}

/// IOV_MAX as Linux defines it (1024); glibc does not export the macro to Swift.
let IOV_MAX_COUNT: Int32 = 1024

/// The pthread key whose destructor tells the library that a thread exited.
private let threadExitKey: pthread_key_t = {
    var key = pthread_key_t()
    let result = pthread_key_create(&key) { raw in
        if let raw { ThreadContext.threadExited(raw) }
    }
    precondition(result == 0, "pthread_key_create failed: \(result)")
    return key
}()

/// What runs when a thread that used the library exits (the engine registers the cancellation of the
/// thread's pending sends here).
enum ThreadExitHooks {
    private static let hook = Locked<(@Sendable (ThreadContext) -> Void)?>(nil)

    static func install(_ body: @escaping @Sendable (ThreadContext) -> Void) {
        hook.withLock { $0 = body }
    }

    static func run(_ context: ThreadContext) {
        let body = hook.withLock { $0 }
        body?(context)
    }
}
