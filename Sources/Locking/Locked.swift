#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a pthread mutex that lives on the heap: the one lock type of the library, the tool,
/// the fuzz targets and the tests.
///
/// Synchronization.Mutex locks with its own futex code, which ThreadSanitizer cannot see on Linux: every
/// access under it is reported as a race (checked with a two-thread counter), so neither the library nor
/// the tool could be checked under `--sanitize=thread`. pthread mutexes are intercepted by the sanitizer,
/// and a heap mutex avoids the exclusivity trap of passing a mutex stored in a class as `&storedMutex`.
///
/// Inlinable, so that the library's per-call users (the overlapped send queue) compile to the bare
/// lock, body and unlock, as when this type was internal to the library.
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline @exclusivity(unchecked) var value: Value

    public init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock.
    @inlinable @inline(__always)
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
