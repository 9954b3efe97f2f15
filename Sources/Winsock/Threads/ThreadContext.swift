import CWinsock
import Glibc
import Synchronization

/// What the library keeps per thread, in named parts: scratch space for the send path (so that a call
/// allocates nothing), the waiter (wake-up descriptor, alertable flag, queue of completion routines),
/// the overlapped operations it owns, its handle caches, and the sockets whose sends it parked.
///
/// Created on a thread's first use of the library and released when the thread exits (a pthread key
/// destructor), which is also where that thread's pending overlapped sends are cancelled. The parts are
/// stored inline: reaching one costs what reaching a field of the context did.
final class ThreadContext: @unchecked Sendable {
    @exclusivity(unchecked) var scratch = SendScratch()
    @exclusivity(unchecked) var waiter = Waiter()
    @exclusivity(unchecked) var operations = OwnedOperations()
    @exclusivity(unchecked) var handles = HandleCaches()
    @exclusivity(unchecked) var parked = ParkedSockets()
    /// The thread has exited: its completion routines can no longer run and are dropped.
    let exited = Atomic<Bool>(false)
    /// Identifies the thread to the engine (which cancels its operations when it exits).
    let threadID: UInt64

    static let iovecCapacity = SendScratch.iovecCapacity

    private static let nextID = Atomic<UInt64>(1)

    private init() {
        threadID = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
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
