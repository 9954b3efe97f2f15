import Foundation
import Testing

/// The built binary against its own sink, over loopback only. Serialized: each test runs two processes
/// and the machine has two cores.
@Suite("Send to the tool's own sink", .serialized)
struct SinkEndToEndTests {
    static func json(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any])
    }

    static func summary(_ report: [String: Any]) throws -> [String: Any] {
        try #require(report["summary"] as? [String: Any])
    }

    @Test(
        "4x4096 x 1000 calls: 16,384,000 bytes sent, and the sink receives the same",
        arguments: [("127.0.0.1", "127.0.0.1"), ("[::1]", "[::1]")])
    func streamTransfer(listen: String, host: String) throws {
        let sink = try Background(["sink", "\(listen):0", "--once", "--json"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["\(host):\(port)", "--buffers", "4x4096", "--count", "1000", "--json"])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let sent = try Self.summary(Self.json(sender.stdout))
        #expect(sent["bytes_sent"] as? Int == 16_384_000)
        #expect(sent["calls"] as? Int == 1000)
        #expect(sent["completed_immediately"] as? Int == 1000)
        let received = try sink.finish(timeout: 30)
        #expect(received.status == 0, "stderr: \(received.stderr)")
        let sunk = try Self.summary(Self.json(received.stdout))
        #expect(sunk["bytes_received"] as? Int == 16_384_000)
    }

    @Test("The text reports say 16,384,000 bytes on both sides")
    func textReports() throws {
        let sink = try Background(["sink", "0", "--once"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["127.0.0.1:\(port)", "--buffers", "4x4096", "--count", "1000"])
        #expect(sender.status == 0)
        #expect(sender.stdout.contains("calls      1,000: 1,000 completed immediately"))
        #expect(sender.stdout.contains("bytes      16,384,000 sent of 16,384,000 requested"))
        #expect(sender.stdout.contains("latency    min "))
        #expect(sender.stdout.contains("throughput "))
        let received = try sink.finish(timeout: 30)
        #expect(received.stdout.contains("bytes      16,384,000 received"))
    }

    /// SinkConnections: the sink serves every connection from one thread (an epoll set), where it once
    /// started a thread per connection and fell behind accepting.
    @Test("The sink takes 500 connections at once on its own few threads and counts every byte of each")
    func sinkManyConnections() throws {
        // --idle counts from the last byte the sink read: on a loaded machine (the sanitizer runs) its one
        // reading thread or the sender's one sending thread can stall for a second or more, and a sink
        // that stops then closes connections the sender is still writing to. 5 s leaves room for that.
        let sink = try Background(["sink", "0", "--idle", "5s", "--json"])
        let port = try sink.listeningPort()
        let sender = try Background(
            [
                "127.0.0.1:\(port)", "--connections", "500", "--mode", "event", "--buffers", "1x1000", "--duration",
                "2s", "-q", "--json",
            ])
        // Counted once the sink holds the 500 connections (the sender sends for 2 s after connecting).
        let sockets = sink.waitForSockets(500, timeout: 20)
        let threads = sink.threads
        let sent = try sender.finish(timeout: 60)
        let received = try sink.finish(timeout: 60)
        #expect(sent.status == 0, "stderr: \(sent.stderr); sink: \(received.stderr.suffix(2000))")
        #expect(received.status == 0, "stderr: \(received.stderr)")
        #expect(sockets >= 500, "the sink never held the 500 connections at once")
        #expect(threads.count <= 4, "sink threads: \(threads.count)")
        let report = try Self.json(received.stdout)
        let connections = report["connections"] as? [[String: Any]] ?? []
        #expect(connections.count == 500)
        let perConnection = try #require((Self.json(sent.stdout)["connections"] as? [[String: Any]]))
        let sentBytes = perConnection.map { $0["bytes_sent"] as? Int ?? -1 }.sorted()
        let receivedBytes = connections.map { $0["bytes_received"] as? Int ?? -2 }.sorted()
        #expect(sentBytes == receivedBytes)
        #expect(try Self.summary(report)["bytes_received"] as? Int == sentBytes.reduce(0, +))
    }

    @Test("Over UDP, 1000 datagrams of 4x4096 arrive whole at the sink")
    func datagramTransfer() throws {
        let sink = try Background(["sink", "0", "--udp", "--idle", "3s", "--json"])
        let port = try sink.listeningPort()
        // --rate keeps the burst within what the sink's receive queue holds: UDP drops the rest.
        let sender = try Tool.run(
            ["127.0.0.1:\(port)", "--udp", "--buffers", "4x4096", "--count", "1000", "--rate", "1G", "--json"])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let sent = try Self.summary(Self.json(sender.stdout))
        #expect(sent["bytes_sent"] as? Int == 16_384_000)
        let received = try sink.finish(timeout: 30)
        let sunk = try Self.summary(Self.json(received.stdout))
        #expect(sunk["datagrams"] as? Int == 1000)
        #expect(sunk["bytes_received"] as? Int == 16_384_000)
    }

    @Test(
        "--file into sink --output --once leaves an identical file",
        arguments: [0, 1, (1 << 20) + 13], ["4x4096", "7,3x0,1K,13", "256K"])
    func fileTransfer(size: Int, spec: String) throws {
        let input = TemporaryFile(bytes: TemporaryFile.randomBytes(size, seed: UInt64(size) &+ 1))
        for mode in [["--mode", "blocking"], ["--mode", "nonblocking", "--sndbuf", "64K"]] {
            let output = TemporaryFile()
            let sink = try Background(["sink", "0", "--once", "--output", output.path])
            let port = try sink.listeningPort()
            let sender = try Tool.run(["127.0.0.1:\(port)", "--file", input.path, "--buffers", spec, "-q"] + mode)
            #expect(sender.status == 0, "\(mode): \(sender.stderr)")
            let received = try sink.finish(timeout: 30)
            #expect(received.status == 0, "\(mode): \(received.stderr)")
            let copy = try Data(contentsOf: output.url)
            #expect(copy.count == size, "\(mode)")
            #expect(copy == (try Data(contentsOf: input.url)), "\(mode)")
        }
    }

    @Test("--file - sends standard input")
    func standardInput() throws {
        let input = TemporaryFile(bytes: TemporaryFile.randomBytes(100_003))
        let output = TemporaryFile()
        let sink = try Background(["sink", "0", "--once", "--output", output.path])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["127.0.0.1:\(port)", "--file", "-", "--buffers", "3x1000"], stdin: input.url)
        #expect(sender.status == 0)
        _ = try sink.finish(timeout: 30)
        #expect(try Data(contentsOf: output.url) == Data(contentsOf: input.url))
    }

    @Test("An urgent byte (--oob) is counted by the sink and kept in the stream")
    func urgentByte() throws {
        let sink = try Background(["sink", "0", "--once", "--json"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["127.0.0.1:\(port)", "--oob", "--buffers", "512"])
        #expect(sender.status == 0)
        let sunk = try Self.summary(Self.json(try sink.finish(timeout: 30).stdout))
        #expect(sunk["urgent_bytes"] as? Int == 1)
        #expect(sunk["bytes_received"] as? Int == 512)
    }

    @Test("SIGINT stops the sink, which prints its report and exits 130")
    func sinkInterrupted() throws {
        let sink = try Background(["sink", "0"])
        _ = try sink.listeningPort()
        sink.interrupt()
        let outcome = try sink.finish(timeout: 10)
        #expect(outcome.status == 130)
        #expect(outcome.stdout.contains("wsasend sink on 127.0.0.1:"))
        #expect(outcome.stderrLines.last?.hasPrefix("wsasend: interrupted") == true)
    }

    @Test("Several connections each send the whole run")
    func connections() throws {
        let sink = try Background(["sink", "0", "--idle", "1s", "--json"])
        let port = try sink.listeningPort()
        let sender = try Tool.run([
            "127.0.0.1:\(port)", "--connections", "4", "--buffers", "2x1K", "--count", "50", "--json",
        ])
        #expect(sender.status == 0)
        let report = try Self.json(sender.stdout)
        #expect(try Self.summary(report)["bytes_sent"] as? Int == 4 * 50 * 2048)
        #expect((report["connections"] as? [Any])?.count == 4)
        let sunk = try Self.json(try sink.finish(timeout: 30).stdout)
        #expect(try Self.summary(sunk)["bytes_received"] as? Int == 4 * 50 * 2048)
        #expect(try Self.summary(sunk)["connections"] as? Int == 4)
    }
}

/// The built binary against peers written here, independent of the tool's sink.
@Suite("Send to a peer written in the test", .serialized)
struct PeerEndToEndTests {
    @Test(
        "Every byte of a file arrives in order, blocking and non-blocking with a small send buffer",
        arguments: [["--mode", "blocking"], ["--mode", "nonblocking", "--sndbuf", "64K"]])
    func fileBytes(mode: [String]) throws {
        let content = TemporaryFile.randomBytes((1 << 20) + 13, seed: 42)
        let input = TemporaryFile(bytes: content)
        let peer = try ScriptedPeer(.read)
        let sender = try Tool.run(
            ["127.0.0.1:\(peer.port)", "--file", input.path, "--buffers", "3x100K,7,0,64K", "-q"] + mode)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let received = try #require(peer.bytes())
        #expect(received.count == content.count)
        #expect(received == content)
    }

    @Test("The default pattern arrives byte-exact: byte i of each set is i % 251")
    func patternBytes() throws {
        let peer = try ScriptedPeer(.read)
        let setSize = 4 * 256 * 1024
        let sender = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", "nonblocking", "--sndbuf", "64K", "--buffers", "4x256K", "--count",
                "4",
            ])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let received = try #require(peer.bytes())
        #expect(received.count == 4 * setSize)
        let mismatch = received.enumerated().first { offset, byte in byte != UInt8((offset % setSize) % 251) }
        #expect(mismatch == nil, "first wrong byte at \(mismatch?.offset ?? -1)")
    }

    @Test(
        "Non-blocking sets larger than the send buffer: partial sends and waits count each call once, each set once"
    )
    func nonBlockingCounts() throws {
        let peer = try ScriptedPeer(.read, receiveBuffer: 16 * 1024)
        let setSize = 4 * 256 * 1024
        let sender = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", "nonblocking", "--sndbuf", "64K", "--buffers", "4x256K", "--count",
                "4", "--json",
            ])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let summary = try SinkEndToEndTests.summary(SinkEndToEndTests.json(sender.stdout))
        let count = { (key: String) in summary[key] as? Int ?? -1 }
        // A 1 MiB set never fits a 64 KiB send buffer: the first call of each set takes part of it.
        #expect(count("partial") >= 4)
        #expect(count("sets") == 4)
        #expect(count("bytes_requested") == 4 * setSize)
        #expect(count("bytes_sent") == 4 * setSize)
        let buckets = ["completed_immediately", "would_block", "pending", "failed", "interrupted"].map(count)
        #expect(buckets.reduce(0, +) == count("calls"), "\(summary)")
        #expect(count("completed_immediately") + count("would_block") == count("calls"))
        #expect(try #require(peer.bytes()).count == 4 * setSize)
    }

    @Test("--listen accepts a connection and then sends, as the spec's example does")
    func listen() throws {
        let sender = try Background(["--listen", "0", "--count", "3", "-v"])
        let port = try sender.listeningPort()
        let data = try LoopbackClient.readAll(port: port)
        let outcome = try sender.finish(timeout: 30)
        #expect(outcome.status == 0)
        #expect(data.count == 3 * 4096)
        #expect(outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("WSASend = 0, 4096 bytes, ") }.count == 3)
    }

    /// A run ended by SIGINT: exit 130 and a JSON report marked interrupted, which is returned.
    static func interruptedReport(_ outcome: Tool.Outcome) throws -> [String: Any] {
        #expect(outcome.status == 130)
        let report = try SinkEndToEndTests.json(outcome.stdout)
        #expect(report["interrupted"] as? Bool == true)
        return report
    }

    /// A sender of 1 MiB sets to `peer`, which does not read: connected, and given the time to fill the
    /// socket buffers and block.
    static func blockedSender(on peer: ScriptedPeer, _ options: [String]) throws -> Background {
        let sender = try Background(["127.0.0.1:\(peer.port)", "--buffers", "1M", "--count", "1000"] + options)
        #expect(peer.waitForConnections())
        Thread.sleep(forTimeInterval: 0.3)
        return sender
    }

    /// A lone run (one connection, non-overlapped) is released by the SIGINT handler itself; the others
    /// by the relay thread closing their sockets.
    @Test(
        "SIGINT releases a WSASend blocked on a peer that does not read: partial report, exit 130",
        arguments: [[], ["--mode", "nonblocking"], ["--connections", "2"]])
    func interruptBlockedSend(options: [String]) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Self.blockedSender(on: peer, ["--json"] + options)
        sender.interrupt()
        let outcome = try sender.finish(timeout: 10)
        let summary = try SinkEndToEndTests.summary(Self.interruptedReport(outcome))
        #expect((summary["bytes_sent"] as? Int ?? 0) > 0)
        // A blocked call ends interrupted; a non-blocking run stops in its wait for room, between calls.
        #expect((summary["interrupted"] as? Int ?? 0) >= (options.contains("nonblocking") ? 0 : 1))
        #expect(outcome.stderrLines.last?.hasPrefix("wsasend: interrupted") == true)
    }

    /// A sender of `--file -` whose standard input is a FIFO held open and never written: its read waits.
    static func quietInputSender(_ options: [String], peer: ScriptedPeer, body: (Background) throws -> Void) throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-\(UUID().uuidString).fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let writer = open(fifo.path, O_RDWR)
        defer { close(writer) }
        let sender = try Background(["127.0.0.1:\(peer.port)", "--file", "-", "--json"] + options, stdin: fifo)
        #expect(peer.waitForConnections())
        try body(sender)
    }

    /// A lone run's read is interrupted by the handler (EINTR); the overlapped driver's, whose thread has
    /// SIGINT blocked, by the run's stop pipe.
    @Test(
        "SIGINT ends a run waiting on a quiet standard input (--file -): partial report, exit 130",
        arguments: [[], ["--mode", "nonblocking"], ["--mode", "event"], ["--mode", "routine"]])
    func interruptQuietStandardInput(options: [String]) throws {
        let peer = try ScriptedPeer(.read)
        try Self.quietInputSender(options, peer: peer) { sender in
            Thread.sleep(forTimeInterval: 0.3)
            sender.interrupt()
            _ = try Self.interruptedReport(sender.finish(timeout: 10))
        }
    }

    @Test(
        "--duration ends a run waiting on a quiet standard input within its grace: exit 0",
        arguments: [[], ["--mode", "event"]])
    func durationEndsQuietStandardInput(options: [String]) throws {
        let peer = try ScriptedPeer(.read)
        try Self.quietInputSender(["--duration", "300ms"] + options, peer: peer) { sender in
            let started = Date()
            let outcome = try sender.finish(timeout: 10)
            let seconds = Date().timeIntervalSince(started)
            #expect(outcome.status == 0, "stderr: \(outcome.stderrLines)")
            #expect(seconds < 5, "took \(seconds) s")
            let report = try SinkEndToEndTests.json(outcome.stdout)
            #expect(report["interrupted"] as? Bool == false)
        }
    }

    /// SignalStop: a second thread would cost every sendmsg a reference on the socket's file.
    @Test(
        "A one-connection blocking or non-blocking run keeps the process to a single thread",
        arguments: ["blocking", "nonblocking"])
    func loneRunHasOneThread(mode: String) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Self.blockedSender(on: peer, ["--mode", mode])
        let threads = try FileManager.default.contentsOfDirectory(
            atPath: "/proc/\(sender.process.processIdentifier)/task")
        sender.interrupt()
        _ = try sender.finish(timeout: 10)
        #expect(threads.count == 1, "threads: \(threads)")
    }

    /// The same for the overlapped modes: the loop on the main thread does the watcher's work between its
    /// passes, and datagrams the socket takes inside WSASend need no engine thread. Nobody reads the
    /// receiving socket: datagrams past its buffer are dropped, and the sender never waits.
    @Test(
        "A one-connection UDP run in the overlapped modes keeps the process to a single thread",
        arguments: ["event", "routine"])
    func loneOverlappedDatagramRunHasOneThread(mode: String) throws {
        let receiver = try Loopback.socket(SOCK_DGRAM)
        defer { close(receiver) }
        let port = try Loopback.bindAnyPort(receiver)
        let sender = try Background(
            [
                "127.0.0.1:\(port)", "--udp", "--mode", mode, "--outstanding", "16", "--buffers", "1x64",
                "--duration", "2s", "--json",
            ])
        Thread.sleep(forTimeInterval: 0.7)
        let threads = sender.threadNames
        let outcome = try sender.finish(timeout: 10)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(threads == ["wsasend"], "threads: \(threads)")
        let summary = try SinkEndToEndTests.summary(SinkEndToEndTests.json(outcome.stdout))
        #expect((summary["completed_immediately"] as? Int ?? 0) > 0, "\(summary)")
    }

    /// A stream's overlapped sends wait for the library's engine, whose thread is then the only other. It
    /// blocks the stopping signals, which the main thread takes (there is no relay): the handler that
    /// marks the run must not land on the engine.
    @Test(
        "A one-connection TCP run in the overlapped modes has the engine's thread and no other; SIGINT ends it",
        arguments: ["event", "routine"])
    func loneOverlappedStreamRunHasTheEngineOnly(mode: String) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Self.blockedSender(on: peer, ["--mode", mode, "--outstanding", "4", "--json"])
        let threads = sender.threadStates
        sender.interrupt()
        let outcome = try sender.finish(timeout: 10)
        let main = threads.first { $0.task == sender.process.processIdentifier }
        let engines = threads.filter { $0.name == "winsock-engine" }
        #expect(main != nil && engines.count == 1, "threads: \(threads)")
        #expect(threads.count == 2 + Tool.sanitizerThreads, "threads: \(threads)")
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGALRM] {
            let bit = UInt64(1) << UInt64(signal - 1)
            #expect(engines.allSatisfy { $0.blocked & bit != 0 }, "signal \(signal): \(threads)")
            #expect(main.map { $0.blocked & bit == 0 } == true, "signal \(signal): \(threads)")
        }
        let summary = try SinkEndToEndTests.summary(Self.interruptedReport(outcome))
        #expect((summary["cancelled_by_run"] as? Int ?? 0) > 0, "calls in flight end cancelled: \(summary)")
    }

    /// RunEvents.threadsStarting: a second thread makes every set-up call dearer, so a run of several
    /// connections starts its signal relay (and every other thread) only after the last connection. The
    /// listener never accepts and has room for one connection in its queue, so the second connect waits
    /// for a SYN-ACK that does not come, and the SIGINT lands in the set-up: the handler marks the run,
    /// and the relay, started once the set-up ends, finds the signal.
    @Test(
        "A run of several connections has one thread while it connects, and SIGINT then ends it: exit 130",
        arguments: [["--mode", "event"], ["--mode", "blocking"]])
    func oneThreadWhileConnecting(options: [String]) throws {
        let listener = try Loopback.socket(SOCK_STREAM)
        defer { close(listener) }
        let port = try Loopback.bindAnyPort(listener)
        try #require(Glibc.listen(listener, 0) == 0)
        let sender = try Background(
            ["127.0.0.1:\(port)", "--connections", "4", "--count", "1", "--json"] + options)
        // Two sockets open: the first connection made, the second waiting for its handshake.
        let sockets = sender.waitForSockets(2, timeout: 20)
        let threads = sender.threads
        sender.interrupt()
        let outcome = try sender.finish(timeout: 20)
        #expect(sockets >= 2, "the second connection was never started")
        #expect(threads.count == 1, "threads while connecting: \(threads)")
        let report = try Self.interruptedReport(outcome)
        let connections = report["connections"] as? [[String: Any]] ?? []
        #expect(connections.count >= 1, "stdout: \(outcome.stdout)")
    }

    /// `timeout -s INT` signals the command and then its process group: one interrupt, delivered twice.
    @Test("two SIGINTs at once are one interrupt: the report still comes, as valid JSON, exit 130")
    func doubleInterrupt() throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Self.blockedSender(on: peer, ["--json"])
        sender.interrupt()
        // Long enough for the first to be taken on its own (two pending SIGINTs merge into one), short
        // enough to come while the run is still stopping.
        Thread.sleep(forTimeInterval: 0.002)
        sender.interrupt()
        let outcome = try sender.finish(timeout: 10)
        _ = try Self.interruptedReport(outcome)
        #expect(outcome.stderrLines.last?.hasPrefix("wsasend: interrupted") == true)
    }

    @Test("--listen with --connect-timeout gives up with WSAETIMEDOUT and exit status 69")
    func listenTimeout() throws {
        let outcome = try Tool.run(["--listen", "0", "--connect-timeout", "200ms"], timeout: 20)
        #expect(outcome.status == 69)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.last?.contains("WSAETIMEDOUT (10060)") == true)
    }

    @Test("sink --interval writes progress lines of the bytes received")
    func sinkProgressLines() throws {
        let sink = try Background(["sink", "0", "--once", "--interval", "100ms"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["127.0.0.1:\(port)", "--buffers", "4K", "--duration", "450ms", "-q"], timeout: 20)
        #expect(sender.status == 0)
        let outcome = try sink.finish(timeout: 10)
        let lines = outcome.stderrLines.filter { $0.hasPrefix("[") && $0.contains(" bytes received, ") }
        #expect(lines.count >= 3, "stderr: \(outcome.stderr)")
        #expect(lines.allSatisfy { $0.hasSuffix("bit/s") }, "stderr: \(outcome.stderr)")
    }

    /// The lone run's blocked call is ended by SIGALRM, the others' by the supervisor closing the sockets.
    @Test(
        "--duration ends a run whose peer stopped reading, with exit status 0",
        arguments: [[], ["--mode", "nonblocking"], ["--connections", "2"]])
    func durationEndsBlockedRun(options: [String]) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let started = Date()
        let outcome = try Tool.run(
            ["127.0.0.1:\(peer.port)", "--buffers", "1M", "--duration", "300ms"] + options, timeout: 20)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("interrupted") || options.contains("nonblocking"))
        // The duration, its second of grace, and start-up; not the 20 s of the harness.
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test(
        "--interval writes progress lines on stderr while the run goes on",
        arguments: [[], ["--mode", "nonblocking"], ["--connections", "2"]])
    func progressLines(options: [String]) throws {
        let sink = try Background(["sink", "0"])
        defer { sink.interrupt() }
        let port = try sink.listeningPort()
        let outcome = try Tool.run(
            ["127.0.0.1:\(port)", "--buffers", "4K", "--duration", "550ms", "--interval", "100ms"] + options,
            timeout: 20)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stderrLines.filter { $0.hasPrefix("[") && $0.contains(" bytes, ") && $0.hasSuffix("bit/s") }
        #expect((4...6).contains(lines.count), "stderr: \(outcome.stderr)")
        #expect(lines.first?.hasPrefix("[0.1 s] ") == true, "stderr: \(outcome.stderr)")
    }

    @Test("A closed standard output ends -v lines quietly, without a crash or a signal")
    func closedStandardOutput() throws {
        let peer = try ScriptedPeer(.read)
        let process = Process()
        let pipe = Pipe()
        process.executableURL = Tool.url
        process.arguments = ["127.0.0.1:\(peer.port)", "--buffers", "64", "--count", "20000", "-v"]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        try pipe.fileHandleForReading.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(peer.bytes()?.count == 64 * 20000)
    }

    /// Each loop holds latencies in a batch before the histogram (LatencyBatch): five calls are fewer than
    /// a batch, so a loop that lost its last batch would report no latency at all.
    @Test(
        "Every loop's latencies reach the report",
        arguments: [
            [], ["-v"], ["--rate", "1G"], ["--mode", "nonblocking"], ["--mode", "event", "--outstanding", "2"],
            ["--mode", "routine", "--outstanding", "2"], ["--connections", "2"],
        ])
    func latenciesReported(options: [String]) throws {
        let peer = try ScriptedPeer(.read)
        let outcome = try Tool.run(
            ["127.0.0.1:\(peer.port)", "--buffers", "4x4096", "--count", "5", "--json"] + options)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // -v writes its call lines before the JSON object.
        let json = lines.drop { !$0.hasPrefix("{") }.joined(separator: "\n")
        let summary = try SinkEndToEndTests.summary(SinkEndToEndTests.json(json))
        let latency = try #require(summary["latency_seconds"] as? [String: Any], "no latency in \(summary)")
        let (low, high) = (latency["min"] as? Double ?? 0, latency["max"] as? Double ?? 0)
        #expect(low > 0 && high >= low, "latency \(latency)")
    }
}

@Suite("Demo and codes")
struct DemoAndCodesTests {
    @Test("The demo runs its tour against its own sink and exits 0")
    func demo() throws {
        let outcome = try Tool.run(["demo"])
        #expect(outcome.status == 0, "stdout: \(outcome.stdout)")
        for expected in [
            "calls      100: 100 completed immediately", "would block", "sink: 512 bytes received, 1 urgent",
            "tcp, event (16 outstanding)", "bytes      3,276,800 sent of 3,276,800 requested",
            "tcp, routine (8 outstanding)", "bytes      500,000 sent of 500,000 requested", "engine     ",
            "WSAEMSGSIZE (10040)", "WSAEOPNOTSUPP (10045)",
        ] {
            #expect(outcome.stdout.contains(expected), "missing: \(expected)")
        }
    }

    @Test("codes lists every code; codes NAME explains one")
    func codes() throws {
        let table = try Tool.run(["codes"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("10054  WSAECONNRESET"))
        #expect(table.stdout.contains("11001  WSAHOST_NOT_FOUND"))
        let one = try Tool.run(["codes", "econnreset"])
        #expect(one.stdout.hasPrefix("WSAECONNRESET (10054): Connection reset by peer."))
        #expect(try Tool.run(["codes", "10035"]).stdout.hasPrefix("WSAEWOULDBLOCK (10035)"))
    }

    @Test("-v prints one line per call in the Winsock shape")
    func verboseLines() throws {
        let peer = try ScriptedPeer(.read)
        let outcome = try Tool.run(["127.0.0.1:\(peer.port)", "--buffers", "4x4096", "--count", "3", "-v"])
        let lines = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("WSASend = ") }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("WSASend = 0, 16384 bytes, ") })
    }
}
