import Glibc

/// A joinable POSIX thread running one closure: the tool's threads are few and long-lived (one per
/// connection in the non-overlapped modes), so a plain pthread is the honest primitive, with no pool or
/// executor between the worker and its socket.
final class WorkerThread {
    private let thread: pthread_t
    private var joined = false

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread.
    ///
    /// - Returns: nil when the system refuses another thread (the caller reports it).
    static func start(_ body: @escaping @Sendable () -> Void) -> WorkerThread? {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return nil
        }
        return WorkerThread(thread)
    }

    private init(_ thread: pthread_t) { self.thread = thread }

    /// Waits for the thread to end; what it wrote before ending is visible afterwards.
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }

    deinit { join() }
}

/// Sleeps the calling thread; used by supervisors between checks, never on the per-call path.
func sleepNanoseconds(_ nanoseconds: UInt64) {
    var request = timespec(
        tv_sec: Int(nanoseconds / TimeUnits.nanosecondsPerSecond),
        tv_nsec: Int(nanoseconds % TimeUnits.nanosecondsPerSecond))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
