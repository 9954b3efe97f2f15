import Glibc
import Locking
import Synchronization
import Winsock

/// How a run is told to stop, from another thread: a flag the workers read after each call (one relaxed
/// load, no lock), and the sockets to close so that a call blocked in the kernel returns (closesocket makes
/// a blocked WSASend or recv return WSAEINTR).
///
/// Every socket of a run is registered here and closed exactly once: by its owner through `release`, or
/// by `closeAll` when the run must end now (SIGINT, a blocked call at the end of `--duration`).
///
/// A wait on something that is not a socket of the run (a quiet standard input, `--file -`) cannot be
/// released by closing sockets: it also polls `stopDescriptor`, a pipe that becomes readable when the
/// run starts stopping. The write is safe in a signal handler, like the rest of the marking.
public final class RunControl: Sendable {
    /// Why a run is stopping.
    public enum Reason: UInt8, Sendable {
        case running = 0
        /// The run's own end (a duration, the end of a file, `--once`): not an interruption.
        case finished = 1
        /// A signal (SIGINT, SIGTERM, SIGHUP): the report is partial and the exit status 128 + its number.
        case interrupted = 2
    }

    private let reason = Atomic<UInt8>(Reason.running.rawValue)
    /// The number of the signal that interrupted the run; 0 before one did.
    private let signalNumber = Atomic<Int32>(0)
    private let sockets = Locked(SocketSet())
    private let keepsFinishedSockets = Atomic<Bool>(false)
    /// Readable once the run is stopping (-1 if the pipe could not be made: waits then rely on EINTR).
    let stopDescriptor: Int32
    private let stopWriter: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, O_NONBLOCK)
            }
        }
        (stopDescriptor, stopWriter) = (ends[0], ends[1])
    }

    deinit {
        if stopDescriptor >= 0 { close(stopDescriptor) }
        if stopWriter >= 0 { close(stopWriter) }
    }

    /// Makes `stopDescriptor` readable: one byte, never read, so it stays readable.
    private func announceStop() {
        var byte: UInt8 = 1
        _ = write(stopWriter, &byte, 1)
    }

    /// True once the run is stopping; workers check it after every call.
    @inline(__always)
    public var isStopping: Bool { reason.load(ordering: .relaxed) != Reason.running.rawValue }

    public var stopReason: Reason { Reason(rawValue: reason.load(ordering: .acquiring)) ?? .running }

    /// True when a signal stopped the run.
    public var wasInterrupted: Bool { stopReason == .interrupted }

    /// The signal that stopped the run (SIGINT when it was interrupted without one being named); nil when
    /// it was not interrupted.
    public var interruption: StopSignal? {
        guard wasInterrupted else { return nil }
        return StopSignal(number: signalNumber.load(ordering: .acquiring)) ?? .interrupt
    }

    /// The code to report for a call that failed with `code`: WSAEINTR when the run is stopping, for then
    /// the tool itself released the call (a signal, or a call still blocked at the end of `--duration`), and
    /// the code Linux gave for the socket closed or shut down under it (WSAECONNRESET, WSAENOTSOCK) would
    /// blame the peer or the program. Windows reports a blocking call cancelled this way as WSAEINTR.
    @inline(__always)
    func reportedCode(_ code: Int32) -> Int32 {
        isStopping && code != WSAEWOULDBLOCK ? WSAEINTR : code
    }

    /// Asks the workers to stop after their current call.
    public func requestStop() {
        let (stopped, _) = reason.compareExchange(
            expected: Reason.running.rawValue, desired: Reason.finished.rawValue, ordering: .acquiringAndReleasing)
        if stopped { announceStop() }
    }

    /// A signal, from its handler: only the marks (atomic stores) and the stop pipe's byte (a write);
    /// `SignalStop` wakes the call. The first signal is the one the report names.
    func markInterrupted(by signal: StopSignal = .interrupt) {
        _ = signalNumber.compareExchange(expected: 0, desired: signal.number, ordering: .acquiringAndReleasing)
        reason.store(Reason.interrupted.rawValue, ordering: .releasing)
        announceStop()
    }

    /// A signal (or a REPL's Ctrl-C): stop, and release every blocked call by closing the sockets. The
    /// process goes on; only this run ends, with a partial report.
    public func interrupt(by signal: StopSignal = .interrupt) {
        markInterrupted(by: signal)
        closeAll()
    }

    /// Closes every registered socket now (their blocked calls return WSAEINTR).
    public func closeAll() {
        let open = sockets.withLock { $0.removeAll() }
        for socket in open { _ = closesocket(socket) }
    }

    /// Puts a socket under the run's control. If the run is already stopping, the socket is closed at
    /// once and false is returned.
    public func register(_ socket: SOCKET) -> Bool {
        let stopping: Bool = sockets.withLock { registered in
            if isStopping && wasInterrupted { return true }
            registered.insert(socket)
            return false
        }
        if stopping { _ = closesocket(socket) }
        return !stopping
    }

    /// Ends a connection that is done sending: shuts down its sending side, so that the peer reads the end
    /// of the stream after the last byte, and closes it, unless `closeAll` already did. Done at once, not
    /// at the end of the run: a peer that serves one connection at a time (a sink writing `--output`, a
    /// simple server) waits for that end before it accepts the next. After `keepFinishedSocketsOpen` the
    /// socket stays open (its stream ended) until the run releases it, so that the kernel's view of the
    /// connection (TCP_INFO, `--drain`) can still be read after the last call.
    ///
    /// - Returns: When the connection ended (monotonic nanoseconds).
    @discardableResult
    public func finish(_ socket: SOCKET) -> UInt64 {
        if keepsFinishedSockets.load(ordering: .relaxed) {
            if sockets.withLock({ $0.contains(socket) }) { _ = shutdown(socket, SD_SEND) }
        } else if sockets.withLock({ $0.remove(socket) }) {
            _ = shutdown(socket, SD_SEND)
            _ = closesocket(socket)
        }
        return MonotonicClock.now()
    }

    /// Finished connections keep their socket (stream ended) until `release` or `closeAll`.
    public func keepFinishedSocketsOpen() { keepsFinishedSockets.store(true, ordering: .relaxed) }

    /// Closes a socket its owner is done with, unless `closeAll` already did.
    public func release(_ socket: SOCKET) {
        let owned = sockets.withLock { $0.remove(socket) }
        if owned { _ = closesocket(socket) }
    }
}
