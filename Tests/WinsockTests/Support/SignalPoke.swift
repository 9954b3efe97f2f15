import Glibc
import Synchronization

/// SIGUSR2s taken since `SignalPoke.install()`.
private let pokes = Atomic<Int>(0)
/// The thread `SignalPoke.poke()` signals (its pthread_t), 0 for none.
private let target = Atomic<UInt>(0)

/// A SIGUSR2 handler that only counts (sigaction, no SA_RESTART: a system call it interrupts fails with
/// EINTR), and a way to send it to one thread: for the test that a signal does not cut a wait short.
enum SignalPoke {
    static func install() -> Bool {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in pokes.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        return sigaction(SIGUSR2, &action, nil) == 0
    }

    static var count: Int { pokes.load(ordering: .relaxed) }

    /// Makes the calling thread the one `poke()` signals, with SIGUSR2 unblocked on it (a test runner's
    /// threads may have it blocked).
    static func becomeTarget() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGUSR2)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        target.store(UInt(pthread_self()), ordering: .releasing)
    }

    /// Forgets the target, before the next one is made.
    static func clearTarget() { target.store(0, ordering: .releasing) }

    static var hasTarget: Bool { target.load(ordering: .acquiring) != 0 }

    /// Sends SIGUSR2 to the target thread.
    static func poke() { _ = pthread_kill(pthread_t(target.load(ordering: .acquiring)), SIGUSR2) }

    /// Pokes, and waits (at most 2 s) until the handler has counted it: two signals sent while the target
    /// has not yet run are delivered once, which a loaded machine made happen between pokes 50 ms apart.
    static func pokeAndWait() {
        let counted = count + 1
        poke()
        let deadline = TestClock.now() + 2
        while count < counted && TestClock.now() < deadline { TestClock.sleep(milliseconds: 1) }
    }
}
