import Foundation
import Testing

/// `wsasend repl` with a piped script: no prompt, lines in order, exit status 0, 1 or 64.
@Suite("REPL scripts")
struct ReplScriptTests {
    /// Runs `wsasend repl ARGUMENTS` with `script` on standard input.
    func repl(_ arguments: [String], script: String) throws -> Tool.Outcome {
        let input = TemporaryFile(bytes: Data(script.utf8))
        return try Tool.run(["repl"] + arguments, stdin: input.url, timeout: 60)
    }

    @Test(
        "Routine mode against a peer that does not read: sends pend, pending lists them, close aborts each with 995 in order"
    )
    func closeAbortsPendingSends() throws {
        let peer = try ScriptedPeer(.hold, receiveBuffer: 4096)
        let script = """
            # fill the peer's window and our send buffer, then more
            mode routine
            outstanding 16
            sndbuf 16K
            buffers 4x64K
            send 16
            pending
            close
            """
        let outcome = try repl(["127.0.0.1:\(peer.port)"], script: script)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let pendingCalls = lines.filter { $0.contains("WSASend = SOCKET_ERROR, WSA_IO_PENDING (997)") }.map(id)
        #expect(pendingCalls.count >= 2, "stdout: \(outcome.stdout)")
        let listed = lines.filter { $0.contains("bytes  pending for") }.map(id)
        let aborted = lines.filter { $0.contains("routine ran: dwError WSA_OPERATION_ABORTED (995)") }.map(id)
        // Every send still pending at close is listed, and aborted, in the order of the calls.
        #expect(!listed.isEmpty)
        #expect(aborted == listed, "stdout: \(outcome.stdout)")
        #expect(aborted == aborted.sorted())
        #expect(Set(aborted).isSubset(of: Set(pendingCalls)))
        #expect(lines.contains("closed (\(listed.count) pending sends aborted)"))
    }

    /// The number after '#' at the start of a line.
    private func id(_ line: String) -> Int {
        Int(line.dropFirst().prefix { $0.isNumber }) ?? -1
    }

    @Test("Event mode: result of a pending send is WSA_IO_INCOMPLETE (996); flush signals each event with 995")
    func resultAndFlush() throws {
        let peer = try ScriptedPeer(.hold, receiveBuffer: 4096)
        let script = """
            mode event
            outstanding 4
            sndbuf 16K
            buffers 4x64K
            send 4
            result 4
            flush
            pending
            """
        let outcome = try repl(["127.0.0.1:\(peer.port)"], script: script)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("WSAGetOverlappedResult(#4, fWait FALSE) = FALSE, WSA_IO_INCOMPLETE (996)"))
        let flushed = lines.filter {
            $0.contains("event signalled: WSAGetOverlappedResult = FALSE, WSA_OPERATION_ABORTED (995)")
        }
        #expect(flushed.map(id) == [1, 2, 3, 4], "stdout: \(outcome.stdout)")
        #expect(lines.contains("no sends pending"))
    }

    @Test("Against an echo peer, send \"ping\\n\" then recv prints ping")
    func echo() throws {
        let peer = try ScriptedPeer(.echo)
        let outcome = try repl(["127.0.0.1:\(peer.port)", "--echo"], script: "send \"ping\\n\"\nrecv 64 5s\n")
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let sent = try #require(lines.firstIndex { $0.hasPrefix("WSASend = 0, 5 bytes") }, "stdout: \(outcome.stdout)")
        #expect(lines[sent - 1].hasSuffix("> send \"ping\\n\""))
        let received = try #require(lines.firstIndex(of: "recv = 5 bytes"), "stdout: \(outcome.stdout)")
        #expect(lines[received + 1] == "ping")
    }

    @Test("A script without --echo prints no prompt")
    func noPrompt() throws {
        let outcome = try repl([], script: "settings\n")
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("buffers     4096"))
        #expect(!outcome.stdout.contains("> "))
    }

    @Test("A failing command makes the exit status 1, and the script goes on")
    func failureGoesOn() throws {
        let outcome = try repl([], script: "send\nsettings\n")
        #expect(outcome.status == 1)
        #expect(outcome.stderrLines == ["wsasend: line 1: not connected: connect HOST:PORT or listen PORT first"])
        #expect(outcome.stdout.contains("buffers     4096"))
    }

    @Test("A malformed line under --stop-on-error stops the script with 64")
    func malformedStops() throws {
        let outcome = try repl(["--stop-on-error"], script: "# first\nmode sideways\nsettings\n")
        #expect(outcome.status == 64)
        #expect(
            outcome.stderrLines == [
                "wsasend: line 2: 'sideways' is not a choice of mode: use blocking, nonblocking, event or routine"
            ])
        #expect(outcome.stdout.isEmpty)
    }

    @Test("A failing command under --stop-on-error stops the script with 1")
    func failureStops() throws {
        let outcome = try repl(["--stop-on-error"], script: "close\nsettings\n")
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
    }

    @Test("A malformed line without --stop-on-error makes the status 1 and the script goes on")
    func malformedGoesOn() throws {
        let outcome = try repl([], script: "mode sideways\nmode event\nsettings\n")
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("mode        event"))
    }

    @Test("SIGINT while a script waits for its next line ends it with 130 (it spun before)")
    func interruptedRead() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-fifo-\(UUID().uuidString)")
        guard mkfifo(fifo.path, 0o600) == 0 else { throw ToolTestError("mkfifo: \(errno)") }
        defer { try? FileManager.default.removeItem(at: fifo) }
        // Held open for writing (and reading), so that the tool's read waits instead of ending.
        let holder = open(fifo.path, O_RDWR)
        defer { close(holder) }
        let tool = try Background(["repl"], stdin: fifo)
        _ = "settings\n".withCString { write(holder, $0, 9) }
        // Interrupted once the line has been answered (so that the read that follows is the one waiting),
        // not after a fixed sleep, which a slow start (under a sanitizer) outlasted.
        let deadline = Date().addingTimeInterval(20)
        while !tool.stdout.hasPrefix("buffers") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        tool.interrupt()
        let outcome = try tool.finish(timeout: 10)
        #expect(outcome.status == 130)
        #expect(outcome.stdout.hasPrefix("buffers     4096"))
        #expect(outcome.stderrLines == ["wsasend: interrupted while reading the script"])
    }

    @Test("Every command succeeding gives 0")
    func success() throws {
        let peer = try ScriptedPeer(.echo)
        let outcome = try repl(
            ["127.0.0.1:\(peer.port)", "--mode", "event", "--outstanding", "4"],
            script: "send 4\nwait 100ms\nmode blocking\nsend hex 0d0a\nquit\nsettings\n")
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        // quit closes and prints the stats once, and ends the script (settings does not run).
        #expect(outcome.stdout.components(separatedBy: "calls      5: ").count == 2, "stdout: \(outcome.stdout)")
        #expect(!outcome.stdout.contains("buffers     4096"))
    }

    @Test("--json prints one JSON object per command with each WSASend's return value, code and bytes")
    func json() throws {
        let peer = try ScriptedPeer(.hold, receiveBuffer: 4096)
        let outcome = try repl(
            ["127.0.0.1:\(peer.port)", "--json", "--mode", "event", "--outstanding", "8", "--sndbuf", "16K"],
            script: "buffers 4x64K\nsend 8\nbogus\nflush\nstats --json\n")
        #expect(outcome.status == 1)
        let objects = try outcome.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        // The last object is the session's end: the socket closed and the stats.
        #expect(
            objects.map { $0["command"] as? String } == ["connect", "buffers", "send", nil, "flush", "stats", "end"])
        let calls = try #require(objects[2]["calls"] as? [[String: Any]])
        #expect(calls.count == 8)
        #expect(calls.allSatisfy { [0, -1].contains($0["return"] as? Int) && $0["bytes"] is Int && $0["code"] is Int })
        #expect(calls.contains { $0["code"] as? Int == 997 && $0["name"] as? String == "WSA_IO_PENDING" })
        #expect(objects[3]["ok"] as? Bool == false)
        #expect(objects[3]["error"] as? String == "'bogus' is not a command: type help for the list")
        let completions = try #require(objects[4]["completions"] as? [[String: Any]])
        #expect(completions.contains { $0["code"] as? Int == 995 })
        let report = try #require(objects[5]["report"] as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["calls"] as? Int == 8)
    }
}
