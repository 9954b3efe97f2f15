import ArgumentParser
import WSASendTool

/// `wsasend demo`: the tour against an in-process sink.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a sink on a free loopback port in this process and show WSASend's behaviour against it.",
        discussion: """
            The tour: a blocking send of 4x4096, non-blocking sends with partial results and WSAEWOULDBLOCK, \
            overlapped sends with event objects and with completion routines, an urgent (MSG_OOB) byte, a UDP datagram too large for the transport (WSAEMSGSIZE), and \
            MSG_PARTIAL refused with WSAEOPNOTSUPP. Each step prints its command line and its report; the \
            demo exits with 0 when every step behaved as expected.

            Example:
              wsasend demo
            """)

    func run() throws {
        let control = RunControl()
        Signals.onInterrupt { control.interrupt(by: $0) }
        let status = DemoTour(control: control) { Console.standardOutput.line($0) }.run()
        throw ExitCode(status)
    }
}
