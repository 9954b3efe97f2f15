import Glibc

/// A value guarded by a pthread mutex that lives on the heap.
///
/// Synchronization.Mutex locks with its own futex code, which ThreadSanitizer cannot see on Linux:
/// every access under it was reported as a race (checked with a two-thread counter), so the suite could
/// not be clean under `--sanitize=thread`. pthread mutexes are intercepted by the sanitizer, and a heap
/// mutex avoids the exclusivity trap of passing a mutex stored in a class as `&storedMutex`.
final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @exclusivity(unchecked) private var value: Value

    init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock.
    @inline(__always)
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
