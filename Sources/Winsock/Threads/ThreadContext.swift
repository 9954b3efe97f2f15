import CWinsock
import Glibc
import Locking
import Synchronization

/// What the library keeps per thread, in five named parts behind the one thread-local pointer. Code
/// reaches a part by its name and never the fields below directly:
///
/// | Part | Reached as | Its file |
/// |---|---|---|
/// | the send scratch space | `context.sendScratch` | `ThreadContext+SendScratch.swift` |
/// | the waiter (wake descriptor, alertable flag, APC queue) | `context.waiter` | `ThreadContext+Waiter.swift`, `Waiting.swift` |
/// | the operation pool | `context.operationPool` | `Pipeline/OverlappedOperation.swift` |
/// | the handle caches | `context.handleCaches` | `ThreadContext+HandleCaches.swift` |
/// | the parked sockets | `context.parkedSockets` | `ThreadContext+ParkedSockets.swift` |
///
/// Each part is a view (`ThreadContextPart`): a struct holding only this context's address, unretained,
/// whose inlined accessors borrow the context for each access. The storage stays flat in this one class
/// because every way of storing the parts themselves cost instructions on each call. Callgrind,
/// instructions per WSASend (1x64 blocking / event mode with 64 outstanding), earlier: flat 216 / 495,
/// parts as stored structs 216 / 552 (their class-typed fields, read through the class's `var`, were
/// retained and released), parts as classes 231 / 527-546 (a load more per field, retains around
/// calls). Views holding the context as a reference (`unowned(unsafe)` or strong) made the compiler
/// retain it around the atomic operations; borrowing it (`_withUnsafeGuaranteedRef`) does not: flat
/// 217 / 483-484, borrowing views 217 / 484-485. A view is made for one expression or one call and
/// never stored, so it never outlives the context.
///
/// Created on a thread's first use of the library and released when the thread exits (a pthread key
/// destructor), which is also where that thread's pending overlapped sends are cancelled.
final class ThreadContext: @unchecked Sendable {
    // MARK: Send scratch space (`SendScratch`)

    let iovecs: UnsafeMutablePointer<iovec>
    let message: UnsafeMutablePointer<msghdr>
    @exclusivity(unchecked) var datagramScratch: UnsafeMutableRawPointer?

    // MARK: Waiter (`Waiter`)

    /// Atomic: other threads read it while this one may create it.
    let wakeDescriptor = Atomic<Int32>(-1)
    let apcs = APCQueue()
    let isAlertable = Atomic<Bool>(false)
    @exclusivity(unchecked) var routinesInsideBlockingCall = 0
    @exclusivity(unchecked) var inBlockingCall = false
    @exclusivity(unchecked) var socketsInRoutine: [SOCKET] = []

    // MARK: Operation pool (`OperationPool`)

    /// Records of this pool issued, and given back on this thread or from elsewhere: the difference is the
    /// records out in the send pipeline (`OperationPool.hasPending`, `holdUntilRecordsReturn`). The first
    /// two are this thread's alone.
    @exclusivity(unchecked) var operationsIssued = 0
    @exclusivity(unchecked) var operationsBackHere = 0
    let operationsBackFromElsewhere = Atomic<Int>(0)
    @exclusivity(unchecked) var operations: [OverlappedOperation] = []
    let freeOperations = RingBuffer<OperationRef>(capacity: 64)
    let returnedOperations = Atomic<UInt>(0)

    // MARK: Handle caches (`HandleCaches`)

    let events = EventCache()
    @exclusivity(unchecked) var cachedHandle: SOCKET = 0
    @exclusivity(unchecked) var cachedRecord: Unmanaged<SocketRecord>?

    // MARK: Parked sockets (`ParkedSockets`)

    @exclusivity(unchecked) var parkedRecords: [SocketRecord] = []
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
        context.operationPool.holdUntilRecordsReturn()
    }
}

/// A named part of a thread's context (see `ThreadContext`): a view over some of its fields.
protocol ThreadContextPart {
    /// The context, unretained: the thread's own reference keeps it alive while the thread runs, and a
    /// view lives no longer than the call that made it.
    var unmanagedContext: Unmanaged<ThreadContext> { get }
}

extension ThreadContextPart {
    /// Runs `body` with the context borrowed: no retain or release, also around atomic operations (a
    /// reference read from a stored property is retained there).
    @inline(__always)
    func withContext<Result>(_ body: (ThreadContext) throws -> Result) rethrows -> Result {
        try unmanagedContext._withUnsafeGuaranteedRef(body)
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
