import Glibc
import Locking
import Winsock

/// getaddrinfo on a thread of its own, waited for in a way a stop can end.
///
/// glibc's resolver retries its wait for the nameserver after a signal (EINTR) and gives up only after
/// resolv.conf's timeout times its attempts (30 s or more for some configurations), so a lookup made on
/// the run's thread kept Ctrl-C waiting that long for the partial report. The lookup runs on a helper
/// thread that has the stopping signals blocked (they keep reaching the run's thread, as `SignalStop`
/// expects), and the caller waits for its answer or for the run to stop, whichever comes first (a numeric
/// address is looked up on the caller's thread: it never waits). A lookup
/// given up is left to finish on its own: its thread holds the only other reference to the answer's box,
/// and the process ends soon after.
enum NameLookup {
    /// How a lookup ended.
    enum Outcome: Sendable {
        case resolved([SocketAddress])
        case failed(WSAError)
        /// The run stopped (or `interrupted` said so) before the resolver answered.
        case stopped
    }

    /// The answer a helper thread leaves, and a pipe that becomes readable when it is there. The pipe is
    /// closed when the last of the two owners lets go, so the helper never writes to a closed (or reused)
    /// descriptor after its caller gave up.
    private final class Answer: Sendable {
        let outcome = Locked<Outcome?>(nil)
        /// The pipe's ends, -1 when it could not be made.
        let ready: Int32
        private let writer: Int32

        init() {
            var ends: [Int32] = [-1, -1]
            if pipe(&ends) == 0 {
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            }
            (ready, writer) = (ends[0], ends[1])
        }

        deinit {
            if ready >= 0 { close(ready) }
            if writer >= 0 { close(writer) }
        }

        /// Leaves the answer and wakes the waiting caller, if it still waits.
        func give(_ answer: Outcome) {
            outcome.withLock { $0 = answer }
            var byte: UInt8 = 1
            _ = write(writer, &byte, 1)
        }
    }

    /// How long a wait sleeps before it asks `interrupted` again, in milliseconds.
    static let slice: Int32 = 50

    /// Resolves `host` with getaddrinfo; `interrupted` is asked between slices of the wait (the REPL's Ctrl-C).
    static func resolve(
        host: String, port: UInt16, type: Int32, control: RunControl, interrupted: () -> Bool = { false }
    ) -> Outcome {
        // A numeric address never waits on a nameserver: no helper thread, so that a lone run against an
        // address keeps its process to one thread (`SignalStop` says why; ThreadSanitizer also starts a
        // thread of its own at the first thread a process makes).
        if SocketAddress(numericHost: host, port: port) != nil { return lookUp(host: host, port: port, type: type) }
        let answer = Answer()
        let started =
            answer.ready >= 0
            && WorkerThread.detached(blocking: StopSignal.allCases.map(\.number) + [SIGALRM]) {
                answer.give(lookUp(host: host, port: port, type: type))
            }
        // No thread to spare (or no pipe): look up on this thread, as before.
        guard started else { return lookUp(host: host, port: port, type: type) }
        while true {
            if let outcome = answer.outcome.withLock({ $0 }) { return outcome }
            if control.isStopping || interrupted() { return .stopped }
            var watched = [
                pollfd(fd: answer.ready, events: Int16(Glibc.POLLIN), revents: 0),
                pollfd(fd: control.stopDescriptor, events: Int16(Glibc.POLLIN), revents: 0),
            ]
            _ = poll(&watched, 2, slice)
        }
    }

    private static func lookUp(host: String, port: UInt16, type: Int32) -> Outcome {
        do {
            return .resolved(try SocketAddress.resolve(host: host, port: port, type: type))
        } catch {
            return .failed(error)
        }
    }
}
