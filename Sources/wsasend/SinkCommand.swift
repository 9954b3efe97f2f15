import ArgumentParser
import WSASendTool

/// `wsasend sink [HOST:]PORT`: receive and count.
struct SinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Receive TCP connections (concurrently) or UDP datagrams, count bytes and urgent bytes, report.",
        discussion: """
            The sink binds 127.0.0.1 unless an address is given, and prints "listening on ADDRESS" on \
            standard error once it is ready (port 0 picks a free port). TCP sockets keep urgent (MSG_OOB) \
            bytes in the stream (SO_OOBINLINE), so --output holds exactly the bytes sent; the report counts \
            the urgent marks seen. SIGINT, SIGTERM or SIGHUP prints the report and exits with \
            130, 143 or 129.

            Exit status: 0 every connection ended cleanly, 1 a connection ended with an error, 64 bad usage, \
            69 the address cannot be bound, 73 --output cannot be created, 130 SIGINT, 143 SIGTERM, 129 SIGHUP \
            (each after the report).

            Examples:
              wsasend sink 9000
              wsasend sink [::1]:9000 --once --output received.bin
              wsasend sink 0.0.0.0:9000 --udp --idle 2s --json
            """)

    @OptionGroup var options: SinkOptions

    func run() throws {
        let plan = options.makePlan(stderrIsTerminal: Console.standardError.isTerminal)
        let control = RunControl()
        Signals.onInterrupt { control.interrupt(by: $0) }
        let quiet = options.quiet
        var events = RunEvents()
        if !quiet {
            events.progress = { Console.standardError.line($0) }
            events.notice = { Console.standardError.line("wsasend: " + $0) }
        }
        let report = SinkServer(plan: plan, control: control, events: events).run()
        // With --output -, the received bytes own standard output and the report goes to standard error.
        let reportStream = plan.output == "-" ? Console.standardError : Console.standardOutput
        if options.json {
            reportStream.line(report.json.rendered())
        } else if !quiet && report.failure == nil {
            reportStream.line(report.text)
        }
        if report.exitStatus != ExitStatus.success, let sentence = report.errorSentence {
            Console.standardError.line("wsasend: " + sentence)
        }
        throw ExitCode(report.exitStatus)
    }
}
