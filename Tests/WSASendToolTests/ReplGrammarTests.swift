import Testing
import Winsock

@testable import WSASendTool

/// The REPL's grammar, in-process: what each good line means, and the one sentence each bad line gets.
@Suite("REPL grammar")
struct ReplGrammarTests {
    static let goodLines: [(String, ReplCommand)] = [
        ("", .nothing),
        ("   # a comment", .nothing),
        ("connect 127.0.0.1:9000", .connect(Target(host: "127.0.0.1", port: 9000), udp: false)),
        ("connect [::1]:9000 --udp", .connect(Target(host: "::1", port: 9000), udp: true)),
        ("connect --udp localhost:53", .connect(Target(host: "localhost", port: 53), udp: true)),
        (
            "connect 127.0.0.1:9000 --udp --no-connect",
            .connect(Target(host: "127.0.0.1", port: 9000), udp: true, noConnect: true)
        ),
        ("connect --no-connect --udp [::1]:53", .connect(Target(host: "::1", port: 53), udp: true, noConnect: true)),
        ("listen 27015", .listen(ListenAddress(port: 27015))),
        ("listen 0.0.0.0:0", .listen(ListenAddress(host: "0.0.0.0", port: 0))),
        ("close", .close),
        ("shutdown send", .shutdown(.send)),
        ("shutdown both  # and a comment", .shutdown(.both)),
        ("buffers 2x1K,512", .set(.buffers(BufferSpec(lengths: [1024, 1024, 512])))),
        ("flags oob|MSG_DONTROUTE", .set(.flags(DWORD(MSG_OOB) | DWORD(MSG_DONTROUTE)))),
        ("flags none", .set(.flags(0))),
        ("flags 0x8000", .set(.flags(DWORD(MSG_PARTIAL)))),
        ("mode routine", .set(.mode(.routine))),
        ("mode EVENT", .set(.mode(.event))),
        ("outstanding 1024", .set(.outstanding(1024))),
        ("sndbuf 64K", .set(.sndbuf(65536))),
        ("nodelay on", .set(.nodelay(true))),
        ("sndtimeo 1.5s", .set(.sndtimeo(1_500_000_000))),
        ("sndtimeo 0", .set(.sndtimeo(0))),
        ("settings", .settings),
        ("send", .send(count: 1)),
        ("\tsend   100 ", .send(count: 100)),
        ("send \"ping\\n\"", .sendBytes(Array("ping\n".utf8))),
        ("send \"a\\tb\\r\\n\\\\\\\"\\x00\\xFF\"", .sendBytes([0x61, 9, 0x62, 13, 10, 0x5C, 0x22, 0, 0xFF])),
        ("send \"\"", .sendBytes([])),
        ("send \"# not a comment\"", .sendBytes(Array("# not a comment".utf8))),
        ("send hex 47455420", .sendBytes([0x47, 0x45, 0x54, 0x20])),
        ("send hex 0d 0A", .sendBytes([0x0D, 0x0A])),
        ("sendto", .sendTo(nil, count: 1)),
        ("sendto 5", .sendTo(nil, count: 5)),
        ("sendto 127.0.0.1:9000", .sendTo(Target(host: "127.0.0.1", port: 9000), count: 1)),
        ("sendto [::1]:9000 3", .sendTo(Target(host: "::1", port: 9000), count: 3)),
        ("sendto localhost:53 \"ping\"", .sendBytesTo(Target(host: "localhost", port: 53), Array("ping".utf8))),
        ("sendto \"ping\\n\"", .sendBytesTo(nil, Array("ping\n".utf8))),
        ("sendto 127.0.0.1:9000 hex 00ff", .sendBytesTo(Target(host: "127.0.0.1", port: 9000), [0x00, 0xFF])),
        ("sendto hex 0d0a", .sendBytesTo(nil, [0x0D, 0x0A])),
        ("recv", .recv(size: 65536, timeout: 1_000_000_000)),
        ("recv 4K 250ms", .recv(size: 4096, timeout: 250_000_000)),
        ("recv 1 0", .recv(size: 1, timeout: 0)),
        ("pending", .pending),
        ("wait", .wait(timeout: nil)),
        ("wait 30s", .wait(timeout: 30_000_000_000)),
        ("result 3", .result(id: 3, wait: false)),
        ("result 3 wait", .result(id: 3, wait: true)),
        ("flush", .flush),
        ("status", .status),
        ("stats", .stats(json: false)),
        ("stats --json", .stats(json: true)),
        ("codes", .codes(nil)),
        ("codes econnreset", .codes(WSAECONNRESET)),
        ("codes 995", .codes(WSA_OPERATION_ABORTED)),
        ("history", .history),
        ("help", .help(nil)),
        ("help send", .help("send")),
        ("quit", .quit),
        ("exit", .quit),
    ]

    @Test("A good line reads as its command", arguments: goodLines)
    func goodLine(line: String, command: ReplCommand) {
        #expect(ReplGrammar.parse(line) == .success(command))
    }

    static let badLines: [(String, String)] = [
        ("bogus", "'bogus' is not a command: type help for the list"),
        ("\"send\"", "'\"send\"' is not a command: type help for the list"),
        ("send 0", "send's count 0 is out of range: it must be 1 to 1000000000"),
        ("send -1", "'-1' is negative: send's count cannot be below zero"),
        ("send 1000000001", "send's count 1000000001 is out of range: it must be 1 to 1000000000"),
        ("send abc", "'abc' is not a whole number (send's count)"),
        ("send 3 4", "'4' is one word too many for send: usage: send [N] | send \"TEXT\" | send hex BYTES"),
        ("send \"a\" \"b\"", "'\"b\"' is one word too many for send: usage: send [N] | send \"TEXT\" | send hex BYTES"),
        // A refusal stays on one line: the quoted word is shown as typed, escapes and all (the one-line property of the fuzz oracle).
        (
            "send \"a\" \"b\\nc\\x1b\"",
            "'\"b\\nc\\x1b\"' is one word too many for send: usage: send [N] | send \"TEXT\" | send hex BYTES"
        ),
        ("\"\\r\\n\"", "'\"\\r\\n\"' is not a command: type help for the list"),
        ("send \"\\\n\"", "'\\\\n' is not an escape: use \\r, \\n, \\t, \\\\, \\\" or \\xHH"),
        ("send \"abc", "the quoted string is not closed: end it with \""),
        ("send \"a\\q\"", "'\\q' is not an escape: use \\r, \\n, \\t, \\\\, \\\" or \\xHH"),
        ("send \"\\x4\"", "'\\x4' is not a byte: \\x takes two hexadecimal digits, such as \\x0a"),
        ("send \"\\xzz\"", "'\\xzz' is not a byte: \\x takes two hexadecimal digits, such as \\x0a"),
        ("send \"ab\"cd", "'cd' follows the closing quote: put a space between words"),
        ("send ab\"cd\"", "a quote follows 'ab' inside a word: quote the whole word, or put a space before the quote"),
        ("send hex", "send hex needs hexadecimal bytes: usage: send [N] | send \"TEXT\" | send hex BYTES"),
        ("send hex 123", "'123' has an odd number of hexadecimal digits: each byte takes two"),
        (
            "send hex 12zz",
            "'12zz' is not hexadecimal bytes: use the digits 0-9 and a-f, two per byte, such as 47455420"
        ),
        (
            "send hex \"41\"",
            "send hex takes plain words, not a quoted string: usage: send [N] | send \"TEXT\" | send hex BYTES"
        ),
        ("connect", "connect needs HOST:PORT: usage: connect HOST:PORT [--udp [--no-connect]]"),
        ("connect 127.0.0.1", "'127.0.0.1' has no port: write HOST:PORT, such as 127.0.0.1:9000"),
        ("connect 127.0.0.1:0", "port 0 is out of range: ports are 1 to 65535"),
        ("connect ::1:9000", "'::1:9000' looks like an IPv6 address: put it in brackets, such as [::1]:9000"),
        (
            "connect 127.0.0.1:9000 --tcp",
            "'--tcp' is not an option of connect: usage: connect HOST:PORT [--udp [--no-connect]]"
        ),
        (
            "connect 127.0.0.1:9000 127.0.0.1:9001",
            "'127.0.0.1:9001' is one word too many for connect: usage: connect HOST:PORT [--udp [--no-connect]]"
        ),
        ("connect [127.0.0.1]:9000", "'[127.0.0.1]:9000' is not an IPv6 address: only IPv6 addresses go in brackets"),
        ("connect bad^host:80", "'bad^host' is not a host name or address"),
        ("connect 127.0.0.1:70000", "port 70000 is out of range: ports are 1 to 65535"),
        (
            "connect 127.0.0.1:9000 --no-connect",
            "connect --no-connect needs --udp: usage: connect HOST:PORT [--udp [--no-connect]]"
        ),
        ("sendto 0", "sendto's count 0 is out of range: it must be 1 to 1000000000"),
        ("sendto 127.0.0.1:9000 abc", "'abc' is not a whole number (sendto's count)"),
        ("sendto 127.0.0.1:0", "port 0 is out of range: ports are 1 to 65535"),
        ("sendto 127.0.0.1: 5", "'' is not a port number"),
        ("sendto ::1:9000", "'::1:9000' looks like an IPv6 address: put it in brackets, such as [::1]:9000"),
        (
            "sendto 127.0.0.1:9000 3 4",
            "'4' is one word too many for sendto: usage: sendto [HOST:PORT] [N] | sendto [HOST:PORT] \"TEXT\" | sendto [HOST:PORT] hex BYTES"
        ),
        (
            "sendto \"a\" 127.0.0.1:9000",
            "'127.0.0.1:9000' is one word too many for sendto: usage: sendto [HOST:PORT] [N] | sendto [HOST:PORT] \"TEXT\" | sendto [HOST:PORT] hex BYTES"
        ),
        (
            "sendto 127.0.0.1:9000 hex",
            "sendto hex needs hexadecimal bytes: usage: sendto [HOST:PORT] [N] | sendto [HOST:PORT] \"TEXT\" | sendto [HOST:PORT] hex BYTES"
        ),
        ("listen", "listen needs a PORT (or HOST:PORT): usage: listen [HOST:]PORT"),
        ("listen 70000", "port 70000 is out of range: ports are 0 to 65535"),
        ("listen 1 2", "'2' is one word too many for listen: usage: listen [HOST:]PORT"),
        ("close now", "'now' is one word too many for close: usage: close"),
        ("shutdown", "shutdown needs send, receive or both: usage: shutdown send|receive|both"),
        ("shutdown sideways", "'sideways' is not a choice of shutdown: use send, receive or both"),
        ("shutdown send receive", "'receive' is one word too many for shutdown: usage: shutdown send|receive|both"),
        ("buffers", "buffers needs a buffer spec: usage: buffers SPEC"),
        ("buffers 4x", "'4x' has no size after 'x': write COUNTxSIZE, such as 4x4096"),
        (
            "buffers 0x4096",
            "'0x4096' has no valid count before 'x': write COUNTxSIZE with COUNT at least 1, such as 4x4096"
        ),
        ("buffers 4096,,512", "'4096,,512' has an empty item between commas"),
        ("buffers 4Q", "'4Q' has an unknown size suffix 'Q': use K, M, G (1024), KB, MB, GB (1000) or none"),
        ("buffers 4x4096 8", "'8' is one word too many for buffers: usage: buffers SPEC"),
        ("flags", "flags needs a flag list (or none): usage: flags LIST|none"),
        ("flags urgent", "'urgent' is not a WSASend flag: use oob, dontroute, partial (or MSG_OOB ..., or a number)"),
        ("flags oob,,partial", "'oob,,partial' has an empty item between commas"),
        ("mode", "mode needs a mode: usage: mode blocking|nonblocking|event|routine"),
        ("mode fast", "'fast' is not a choice of mode: use blocking, nonblocking, event or routine"),
        ("mode Event x", "'x' is one word too many for mode: usage: mode blocking|nonblocking|event|routine"),
        ("outstanding 0", "outstanding 0 is out of range: it must be 1 to 1024"),
        ("outstanding 1025", "outstanding 1025 is out of range: it must be 1 to 1024"),
        ("outstanding many", "'many' is not a whole number (outstanding)"),
        ("sndbuf 12Q", "'12Q' has an unknown size suffix 'Q': use K, M, G (1024), KB, MB, GB (1000) or none"),
        ("sndbuf 4G", "size '4G' is too large: the limit is 2147483647 bytes"),
        ("sndbuf", "sndbuf needs a size: usage: sndbuf SIZE"),
        ("nodelay yes", "'yes' is not a choice of nodelay: use on or off"),
        ("nodelay", "nodelay needs on or off: usage: nodelay on|off"),
        ("sndtimeo 5parsecs", "'5parsecs' has an unknown unit 'parsecs': use ns, us, ms, s, m or h"),
        (
            "sndtimeo abc",
            "'abc' is not a duration: write a number and a unit, such as 10s, 500ms, 2m or 1h30m (a bare number is seconds)"
        ),
        ("sndtimeo 30d", "'30d' has an unknown unit 'd': use ns, us, ms, s, m or h"),
        ("settings all", "'all' is one word too many for settings: usage: settings"),
        ("recv 0", "recv's size 0 is out of range: it must be 1 byte to 16M"),
        ("recv 17M", "size '17M' is too large: the limit is 16777216 bytes"),
        ("recv 4K 1fortnight", "'1fortnight' has an unknown unit 'fortnight': use ns, us, ms, s, m or h"),
        ("recv 4K 1s extra", "'extra' is one word too many for recv: usage: recv [SIZE] [TIMEOUT]"),
        ("pending now", "'now' is one word too many for pending: usage: pending"),
        ("wait 1x", "'1x' has an unknown unit 'x': use ns, us, ms, s, m or h"),
        ("wait 1s 2s", "'2s' is one word too many for wait: usage: wait [TIMEOUT]"),
        ("result", "result needs a send's ID: usage: result ID [wait]"),
        ("result 0", "result's ID 0 is out of range: it must be 1 to 9223372036854775807"),
        ("result x", "'x' is not a whole number (result's ID)"),
        ("result 3 nowait", "'nowait' is not a choice of result: use wait, or nothing"),
        ("result 3 wait now", "'now' is one word too many for result: usage: result ID [wait]"),
        ("flush all", "'all' is one word too many for flush: usage: flush"),
        ("status x", "'x' is one word too many for status: usage: status"),
        ("stats --text", "'--text' is not an option of stats: usage: stats [--json]"),
        ("stats --json x", "'x' is one word too many for stats: usage: stats [--json]"),
        ("codes 99999", "'99999' is not a Winsock error code or name"),
        ("codes WSAENOPE", "'WSAENOPE' is not a Winsock error code or name"),
        ("codes 1 2", "'2' is one word too many for codes: usage: codes [CODE]"),
        ("history 5", "'5' is one word too many for history: usage: history"),
        ("help bogus", "'bogus' is not a command: type help for the list"),
        ("help send mode", "'mode' is one word too many for help: usage: help [COMMAND]"),
        ("quit now", "'now' is one word too many for quit: usage: quit | exit"),
        ("exit 1", "'1' is one word too many for exit: usage: quit | exit"),
        (
            "mode \"event\"",
            "mode takes plain words, not a quoted string: usage: mode blocking|nonblocking|event|routine"
        ),
    ]

    @Test("A bad line gets its one specific sentence", arguments: badLines)
    func badLine(line: String, sentence: String) {
        switch ReplGrammar.parse(line) {
        case .success(let command): Issue.record("'\(line)' read as \(command)")
        case .failure(let error): #expect(error.description == sentence)
        }
    }

    @Test("There are at least 40 bad lines, each with its own sentence")
    func badLinesAreMany() {
        #expect(Self.badLines.count >= 40)
        #expect(Set(Self.badLines.map(\.0)).count == Self.badLines.count)
    }

    /// A setting's value is read by the command line's grammar: the REPL's sentence is that grammar's.
    static let settingsAsOnTheCommandLine: [(String, GrammarError?)] = [
        ("buffers 4x", BufferSpec.parse("4x").failure),
        ("buffers 99999x99999", BufferSpec.parse("99999x99999").failure),
        ("flags urgent", FlagList.parse("urgent").failure),
        ("sndbuf 3T", ByteSize.parse("3T", limit: UInt64(Int32.max)).failure),
        ("sndtimeo 2weeks", DurationGrammar.parse("2weeks", allowZero: true).failure),
        ("outstanding 2000", NumberGrammar.parse("2000", what: "outstanding", in: 1...1024).failure),
        ("connect nowhere", Target.parse("nowhere").failure),
        ("codes 1", ErrorCodeGrammar.parse("1").failure),
    ]

    @Test("A setting's error is the command line grammar's own", arguments: settingsAsOnTheCommandLine)
    func sameSentenceAsTheCommandLine(line: String, expected: GrammarError?) throws {
        let error = try #require(expected)
        #expect(ReplGrammar.parse(line) == .failure(.value(error)))
    }

    @Test("Completion offers command names, then each command's words")
    func completion() {
        #expect(ReplCompletion.candidates(for: "se") == ["settings", "send", "sendto"])
        #expect(ReplCompletion.candidates(for: "sen") == ["send", "sendto"])
        #expect(ReplCompletion.candidates(for: "sendto ") == ["hex"])
        #expect(ReplCompletion.candidates(for: "sendto 127.0.0.1:9 h") == ["hex"])
        #expect(ReplCompletion.candidates(for: "sendto 5 ").isEmpty)
        #expect(ReplCompletion.candidates(for: "mode ") == ["blocking", "nonblocking", "event", "routine"])
        #expect(ReplCompletion.candidates(for: "shutdown b") == ["both"])
        #expect(ReplCompletion.candidates(for: "flags d") == ["dontroute"])
        #expect(ReplCompletion.candidates(for: "codes WSAECONNR") == ["WSAECONNREFUSED", "WSAECONNRESET"])
        #expect(ReplCompletion.candidates(for: "result ", pendingIDs: [3, 4]) == ["3", "4"])
        #expect(ReplCompletion.candidates(for: "result 3 ") == ["wait"])
        #expect(ReplCompletion.candidates(for: "connect 127.0.0.1:9 --") == ["--udp"])
        #expect(ReplCompletion.candidates(for: "connect 127.0.0.1:9 --udp --") == ["--no-connect"])
        #expect(ReplCompletion.candidates(for: "connect 127.0.0.1:9 --udp --no-connect ").isEmpty)
        #expect(ReplCompletion.candidates(for: "close ").isEmpty)
    }

    @Test("The history lives under XDG_STATE_HOME, else under ~/.local/state")
    func historyLocation() {
        #expect(
            ReplHistoryLocation.paths(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])?.file == "/s/wsasend/history"
        )
        #expect(ReplHistoryLocation.paths(environment: ["HOME": "/h"])?.folder == "/h/.local/state/wsasend")
        // The XDG specification ignores a relative path.
        #expect(
            ReplHistoryLocation.paths(environment: ["XDG_STATE_HOME": "rel", "HOME": "/h"])?.folder
                == "/h/.local/state/wsasend")
        #expect(ReplHistoryLocation.paths(environment: [:]) == nil)
    }

    @Test("recv shows printable bytes as text and others as a hex dump")
    func bytesView() {
        #expect(ReplBytesView.lines(Array("ping\n".utf8)) == ["ping"])
        #expect(ReplBytesView.lines(Array("a\r\nb\r\n".utf8)) == ["a", "b"])
        #expect(
            ReplBytesView.lines([0x00, 0x41, 0xFF]) == ["0000  00 41 ff" + String(repeating: " ", count: 39) + "  .A."])
    }

    @Test("Every command has a help entry whose usage starts with its name")
    func helpEntries() {
        for name in ReplGrammar.commandNames {
            let entry = ReplHelp.entry(named: name)
            #expect(entry?.usage.hasPrefix(name == "exit" ? "quit" : name) == true, "\(name)")
        }
    }
}
