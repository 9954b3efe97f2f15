import Glibc
import WSASendTool

/// SIGINT during a REPL session: it never ends the process. The handler raises the session's
/// interrupt (a running `send N`, `wait` or `recv` returns to the prompt between two calls or wait
/// slices) and writes a byte to a pipe, which wakes the line editor so that it abandons the line being
/// typed. A second SIGINT before the first was seen exits with 130: a blocking send that the peer does
/// not take never looks. It replaces the handler `Signals.install` set, for the rest of the process.
enum ReplSignals {
    static let interrupt = ReplInterrupt()
    /// The pipe the handler writes; the line editor polls the read end. Set once, before the handler.
    nonisolated(unsafe) private(set) static var pipeEnds: (read: Int32, write: Int32) = (-1, -1)

    static func install() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, O_NONBLOCK)
            }
            pipeEnds = (ends[0], ends[1])
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            // A second Ctrl-C while the first is still unseen: the session is stuck in a call that
            // cannot be interrupted (a blocking send the peer does not take); leave, as SIGINT does.
            if ReplSignals.interrupt.raise() { _exit(130) }
            var byte: UInt8 = 1
            _ = write(ReplSignals.pipeEnds.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        // No SA_RESTART: the line editor's poll must come back at once.
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Reads away the bytes of interrupts already handled; true when there were any.
    @discardableResult
    static func drain() -> Bool {
        var any = false
        var byte: UInt8 = 0
        while read(pipeEnds.read, &byte, 1) == 1 { any = true }
        return any
    }
}
