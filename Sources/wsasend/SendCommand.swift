import ArgumentParser
import Synchronization
import WSASendTool

/// `wsasend [send] HOST:PORT [options]`: connect (or listen), call WSASend, report.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Connect to HOST:PORT (or accept a connection) and send with WSASend (the default command).",
        discussion: """
            Each call passes the whole WSABUF array of --buffers. In blocking mode a call returns when every \
            byte is consumed; in nonblocking mode a call may take part of the buffers (partial: the rest goes \
            in the next call) or none (WSAEWOULDBLOCK: the tool waits with WSAPoll and tries again). Both are \
            flow control, counted in the report, not failures. In the overlapped modes (event, routine) one \
            thread drives every connection with --outstanding calls in flight: a call completes at once \
            (WSASend = 0) or later (WSA_IO_PENDING), through an event object or a completion routine run in \
            an alertable wait; latency runs from the call to its completion, and the report names the \
            engine's backend (io_uring, or poll; WSASEND_BACKEND=poll chooses it).

            Exit status: 0 every call succeeded, 1 a call or connection failed, 64 bad usage, 66 unreadable \
            --file, 68 unknown host, 69 no connection, 70 internal error, 73 unwritable --histogram or --histogram-log, \
            130 SIGINT, 143 SIGTERM, 129 SIGHUP (each after the partial report).

            Examples:
              wsasend 127.0.0.1:9000 --buffers 4x4096 --count 1000
              wsasend [::1]:9000 --duration 10s --connections 4 --json
              wsasend [::1]:9000 --mode nonblocking --sndbuf 64K --buffers 4x256K -v
              wsasend 127.0.0.1:9000 --file backup.tar --buffers 8x64K
              wsasend 127.0.0.1:9000 --mode event --outstanding 64 --buffers 1x64 --count 100000
              wsasend --listen 27015 --mode event --count 10 -v
            """)

    @OptionGroup var options: SendOptions

    func run() throws {
        var plan = options.makePlan(stderrIsTerminal: Console.standardError.isTerminal)
        var idleSentence: String?
        if let shard = try ShardVariables.shard(options.sharding) {
            plan = plan.narrowed(to: shard)
            idleSentence = plan.idleShardSentence
        }
        // Created before connecting: a log that cannot be written stops the run before it starts.
        var histogramLog: HistogramLog?
        if let path = options.sharding.histogramLog {
            switch HistogramLog.create(path) {
            case .success(let log): histogramLog = log
            case .failure(let failure):
                Console.standardError.line("wsasend: " + failure.message)
                if options.json || options.jsonStream {
                    UsageErrors.failureObject(failure.message, status: failure.status, oneLine: options.jsonStream)
                }
                throw ExitCode(failure.status)
            }
        }
        if let idleSentence {
            try IdleShard.report(
                plan: plan, sentence: idleSentence, options: options, histogramLog: histogramLog)
        }
        let control = RunControl()
        // A lone run keeps the process to one thread: the signal handlers stop it themselves.
        let strategy = RunSupervisor.Strategy(plan: plan, signalHandlerStops: true)
        switch strategy {
        case .callerThread: Signals.onInterrupt(stopping: control)
        case .watcherThread: Signals.onInterrupt(stopping: control, relayLater: { control.interrupt(by: $0) })
        }
        let quiet = options.quiet
        // With --json or --json-stream, standard output holds JSON only.
        let jsonOut = options.json || options.jsonStream
        let callLines = jsonOut ? Console.standardError : Console.standardOutput
        var events = RunEvents(callLine: { callLines.line($0) })
        if strategy == .watcherThread { events.threadsStarting = { Signals.startRelay() } }
        events.interval = IntervalOutput.writer(stream: options.jsonStream, log: histogramLog)
        // The header goes out first, before -v and progress lines; the rest of the report at the end.
        let headerPrinted = Atomic<Bool>(false)
        if !quiet {
            events.progress = { Console.standardError.line($0) }
            events.notice = { Console.standardError.line("wsasend: " + $0) }
            if !jsonOut {
                events.header = {
                    Console.standardOutput.line($0)
                    headerPrinted.store(true, ordering: .releasing)
                }
            }
        }
        let report = Runner(plan: plan, control: control, events: events, strategy: strategy).run()
        if options.jsonStream {
            Console.standardOutput.line(report.json.renderedOnOneLine())
        } else if options.json {
            Console.standardOutput.line(report.json)
        } else if !quiet && report.connected > 0 {
            Console.standardOutput.line(headerPrinted.load(ordering: .acquiring) ? report.body : report.text)
        }
        if report.exitStatus != ExitStatus.success, let sentence = report.errorSentence {
            Console.standardError.line("wsasend: " + sentence)
        }
        if let path = options.sharding.histogram, let failure = HistogramOutput.write(report, to: path) {
            Console.standardError.line("wsasend: " + failure.message)
            if report.exitStatus == .success { throw ExitCode(failure.status) }
        }
        histogramLog?.finish(startedAt: report.startedAt ?? WallClock.now())
        if let failure = histogramLog?.failure {
            Console.standardError.line("wsasend: " + failure.message)
            if report.exitStatus == .success { throw ExitCode(failure.status) }
        }
        throw ExitCode(report.exitStatus)
    }
}
