import Glibc
import Synchronization

/// SIGPIPEs delivered to the process since `SigpipeCounter.install()`.
private let sigpipeCount = Atomic<Int>(0)

/// A counting SIGPIPE handler (sigaction), for the test that WSASend never raises SIGPIPE.
enum SigpipeCounter {
    /// Installs the handler; false when sigaction failed.
    static func install() -> Bool {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in sigpipeCount.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        return sigaction(SIGPIPE, &action, nil) == 0
    }

    static var count: Int { sigpipeCount.load(ordering: .relaxed) }

    static func reset() { sigpipeCount.store(0, ordering: .relaxed) }

    /// A plain send without MSG_NOSIGNAL on a socket whose peer is gone: raises SIGPIPE, to show that the
    /// handler sees it.
    static func raiseOne() {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return }
        _ = close(pair[1])
        var byte: UInt8 = 1
        _ = send(pair[0], &byte, 1, 0)
        _ = close(pair[0])
    }
}
