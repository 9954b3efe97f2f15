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

    /// Starts `body` on a thread nobody joins, with `signals` blocked on it from its first instruction
    /// (they are blocked around its creation, as a new thread takes its creator's mask), so that they keep
    /// reaching the threads that handle them.
    ///
    /// - Returns: false when the system refuses another thread.
    static func detached(blocking signals: [Int32], _ body: @escaping @Sendable () -> Void) -> Bool {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        for number in signals { sigaddset(&blocked, number) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        guard let thread = start(body) else { return false }
        thread.detach()
        return true
    }

    /// Lets the thread end on its own: nobody joins it.
    private func detach() {
        guard !joined else { return }
        joined = true
        pthread_detach(thread)
    }

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
