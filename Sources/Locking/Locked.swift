#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a pthread mutex: the one lock type of the library, the tool, the fuzz targets and
/// the tests.
///
/// Synchronization.Mutex locks with its own futex code, which ThreadSanitizer cannot see on Linux: every
/// access under it is reported as a race (checked with a two-thread counter), so neither the library nor
/// the tool could be checked under `--sanitize=thread`. pthread mutexes are intercepted by the sanitizer.
///
/// The value and the mutex share one heap block (`Storage`, a `ManagedBuffer` whose one tail element is
/// the mutex): the mutex has a fixed address for the block's life, as pthread needs, without a separate
/// allocation. (Passing a mutex stored in a class as `&storedMutex` would be an exclusivity-checked
/// access for the whole call, and Swift promises no fixed address for it.) Every socket has a lock, so
/// the second block cost each connection of a 10,000-connection run about 48 bytes.
///
/// A struct holding a reference: copies share the one lock. Inlinable, so that the library's per-call
/// users (the overlapped send queue) compile to the bare lock, body and unlock.
public struct Locked<Value>: @unchecked Sendable {
    /// The value as the header, the mutex as the one element.
    @usableFromInline
    final class Storage: ManagedBuffer<Value, pthread_mutex_t> {
        deinit {
            _ = withUnsafeMutablePointerToElements { pthread_mutex_destroy($0) }
        }
    }

    @usableFromInline let storage: Storage

    public init(_ value: Value) {
        let made = Storage.create(minimumCapacity: 1) { _ in value }
        storage = unsafeDowncast(made, to: Storage.self)
        storage.withUnsafeMutablePointerToElements { mutex in
            mutex.initialize(to: pthread_mutex_t())
            _ = pthread_mutex_init(mutex, nil)
        }
    }

    /// Runs `body` with the value while holding the lock.
    @inlinable @inline(__always)
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try storage.withUnsafeMutablePointers { value, mutex in
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return try body(&value.pointee)
        }
    }
}
