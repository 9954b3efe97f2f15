import Locking
import Winsock

/// `wsasend demo`: a sink on an ephemeral loopback port in this process, and a short tour of WSASend's
/// behaviour against it, each step a real command line parsed by the same options as `wsasend`.
public struct DemoTour: Sendable {
    /// One step: what it shows, and the arguments after `wsasend` (`{port}` is the sink's port).
    public struct Step: Sendable {
        public let title: String
        public let arguments: [String]
        /// True when the step is expected to end with a failed call (the demo still exits 0).
        public let expectsFailure: Bool
    }

    public static let steps: [Step] = [
        Step(
            title: "Blocking: each WSASend returns when all four buffers are consumed.",
            arguments: ["127.0.0.1:{port}", "--buffers", "4x4096", "--count", "100"], expectsFailure: false),
        Step(
            title:
                "Non-blocking with a small send buffer: calls take part of 1 MiB (partial) or none (WSAEWOULDBLOCK); "
                + "the rest goes in the next call.",
            arguments: [
                "127.0.0.1:{port}", "--mode", "nonblocking", "--sndbuf", "64K", "--buffers", "4x256K", "--count", "8",
            ], expectsFailure: false),
        Step(
            title:
                "Overlapped with event objects: 16 calls in flight, each returning WSA_IO_PENDING or 0 (completed "
                + "immediately); completions come in call order.",
            arguments: [
                "127.0.0.1:{port}", "--mode", "event", "--outstanding", "16", "--buffers", "4x4096", "--count", "200",
            ],
            expectsFailure: false),
        Step(
            title: "Overlapped with completion routines, run in the thread's alertable waits (SleepEx).",
            arguments: [
                "127.0.0.1:{port}", "--mode", "routine", "--outstanding", "8", "--buffers", "1x1000", "--count", "500",
            ],
            expectsFailure: false),
        Step(
            title: "MSG_OOB: the last byte of the call is urgent data; the sink counts it.",
            arguments: ["127.0.0.1:{port}", "--oob", "--buffers", "1x512", "--count", "1"], expectsFailure: false),
        Step(
            title: "A UDP datagram of 80,000 bytes is larger than SO_MAX_MSG_SIZE (65,507): WSAEMSGSIZE, nothing sent.",
            arguments: ["127.0.0.1:{port}", "--udp", "--buffers", "2x40000"], expectsFailure: true),
        Step(
            title: "MSG_PARTIAL: TCP has no partial messages, so WSASend refuses it with WSAEOPNOTSUPP.",
            arguments: ["127.0.0.1:{port}", "--partial"], expectsFailure: true),
    ]

    /// The sink's SO_RCVBUF (the kernel doubles it): a window this small fills within the first call of
    /// the non-blocking step, whose WSAEWOULDBLOCK the tour is there to show.
    static let sinkReceiveBuffer: Int32 = 16 * 1024

    public let control: RunControl
    /// Where the tour's text goes, a block at a time.
    public let output: @Sendable (String) -> Void

    public init(control: RunControl = RunControl(), output: @escaping @Sendable (String) -> Void) {
        self.control = control
        self.output = output
    }

    /// Runs the tour; 0 when every step behaved as expected, 130 on SIGINT, 69/70 when the sink could
    /// not start.
    public func run() -> ExitStatus {
        let ledger = SinkLedger()
        let sinkControl = RunControl()
        let bound = Locked<SocketAddress?>(nil)
        var sinkPlan = SinkPlan(address: ListenAddress(port: 0))
        sinkPlan.receiveBuffer = Self.sinkReceiveBuffer
        let sink = SinkServer(plan: sinkPlan, control: sinkControl, ledger: ledger)
        let sinkResult = Locked<SinkReport?>(nil)
        guard
            let sinkThread = WorkerThread.start({
                let report = sink.run { address in bound.withLock { $0 = address } }
                sinkResult.withLock { $0 = report }
            })
        else { return .software }
        defer {
            sinkControl.interrupt()
            sinkThread.join()
        }
        var port: UInt16 = 0
        while port == 0 {
            if let address = bound.withLock({ $0 }) {
                port = address.port
            } else if let report = sinkResult.withLock({ $0 }) {
                output("wsasend demo: the sink did not start: \(report.errorSentence ?? "unknown error")")
                return report.exitStatus
            } else {
                sleepNanoseconds(1_000_000)
            }
        }
        output("wsasend demo: a sink listens on 127.0.0.1:\(port) in this process.\n")
        var sinkConnections = 0
        for (number, step) in Self.steps.enumerated() {
            if control.isStopping { break }
            let arguments = step.arguments.map { $0.replacing("{port}", with: String(port)) }
            output("\(number + 1). \(step.title)\n$ wsasend \(arguments.joined(separator: " "))")
            let plan: RunPlan
            do {
                plan = try SendOptions.parse(arguments).makePlan()
            } catch {
                output("wsasend demo: step \(number + 1) does not parse: \(SendOptions.message(for: error))")
                return .software
            }
            let report = Runner(plan: plan, control: control).run()
            output(report.text)
            if let sentence = report.errorSentence { output("wsasend: \(sentence) (expected)") }
            if plan.transport == .tcp && report.connected > 0 {
                sinkConnections += 1
                let seen = ledger.waitForConnections(sinkConnections, timeout: 5_000_000_000)
                if let last = seen.last, seen.count == sinkConnections {
                    output(
                        "sink: \(Units.grouped(last.bytes)) bytes received, \(Units.grouped(last.urgentBytes)) urgent")
                }
            }
            output("")
            let failedAsExpected = step.expectsFailure == (report.exitStatus == .failure)
            if let signal = control.interruption { return signal.exitStatus }
            if !failedAsExpected {
                output("wsasend demo: step \(number + 1) did not behave as expected")
                return .failure
            }
        }
        return control.interruption?.exitStatus ?? .success
    }
}
