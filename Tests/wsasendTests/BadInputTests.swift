import Foundation
import Testing

/// Every bad input gets exactly one stderr line `wsasend: <sentence naming the bad value>`, nothing on
/// stdout, and the documented exit status. `{closed}` is a loopback port with nothing listening, `{busy}` one
/// that is taken.
@Suite("Bad input")
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        // Targets and ports.
        Case(arguments: ["127.0.0.1"], status: 64, message: "'127.0.0.1' has no port"),
        Case(arguments: ["127.0.0.1:0"], status: 64, message: "port 0 is out of range: ports are 1 to 65535"),
        Case(arguments: ["127.0.0.1:65536"], status: 64, message: "port 65536 is out of range"),
        Case(arguments: ["[::1]:65536"], status: 64, message: "port 65536 is out of range"),
        Case(arguments: ["127.0.0.1:99999999999999999999"], status: 64, message: "port 99999999999999999999 is out"),
        Case(arguments: [":9000"], status: 64, message: "':9000' has no host before the colon"),
        Case(arguments: ["::1:9000"], status: 64, message: "'::1:9000' looks like an IPv6 address: put it in brackets"),
        Case(arguments: ["[::1:9000"], status: 64, message: "'[::1:9000' is not [IPV6]:PORT"),
        Case(arguments: ["[127.0.0.1]:9000"], status: 64, message: "'[127.0.0.1]:9000' is not an IPv6 address"),
        Case(arguments: ["127.0.0.1:http"], status: 64, message: "'http' is not a port number"),
        Case(arguments: ["bad host:9"], status: 64, message: "'bad host' is not a host name or address"),
        Case(arguments: ["bad\nhost:9"], status: 64, message: "'bad\\nhost' is not a host name or address"),
        Case(arguments: [], status: 64, message: "Missing the target"),
        // Buffer specs, sizes and suffixes.
        Case(arguments: ["127.0.0.1:9", "--buffers", "4x"], status: 64, message: "'4x' has no size after 'x'"),
        Case(
            arguments: ["127.0.0.1:9", "--buffers", "4Q"], status: 64, message: "'4Q' has an unknown size suffix 'Q'"),
        Case(arguments: ["127.0.0.1:9", "--buffers", "4KQ"], status: 64, message: "unknown size suffix 'KQ'"),
        Case(arguments: ["127.0.0.1:9", "--buffers", "0x4096"], status: 64, message: "'0x4096' has no valid count"),
        Case(
            arguments: ["127.0.0.1:9", "--buffers", "4096,,512"], status: 64, message: "'4096,,512' has an empty item"),
        Case(arguments: ["127.0.0.1:9", "--buffers", "1.5K"], status: 64, message: "'1.5K' is not a whole number"),
        Case(arguments: ["127.0.0.1:9", "--buffers", "5G"], status: 64, message: "size '5G' is too large"),
        Case(
            arguments: ["127.0.0.1:9", "--buffers", "99999999999999999999"], status: 64,
            message: "size '99999999999999999999' is too large"),
        Case(arguments: ["127.0.0.1:9", "--buffers", "2x3G"], status: 64, message: "'2x3G' adds up to more than"),
        Case(
            arguments: ["127.0.0.1:9", "--buffers", "65537x1"], status: 64, message: "'65537x1' has too many buffers"),
        Case(arguments: ["127.0.0.1:9", "--sndbuf", "3G"], status: 64, message: "size '3G' is too large"),
        // Counts.
        Case(arguments: ["127.0.0.1:9", "--count", "0"], status: 64, message: "--count 0 is out of range"),
        Case(arguments: ["127.0.0.1:9", "--count", "abc"], status: 64, message: "'abc' is not a whole number"),
        Case(
            arguments: ["127.0.0.1:9", "--count", "99999999999999999999"], status: 64,
            message: "--count 99999999999999999999 is out of range"),
        Case(arguments: ["127.0.0.1:9", "--connections", "0"], status: 64, message: "--connections 0 is out of range"),
        // A negative number is a bad value, not an option (and not a missing value): one sentence for
        // every grammar. An option where a value belongs says so.
        Case(arguments: ["127.0.0.1:9", "--count", "-1"], status: 64, message: "'-1' is negative: --count cannot be"),
        Case(
            arguments: ["127.0.0.1:9", "--connections", "-2"], status: 64,
            message: "'-2' is negative: --connections cannot be below zero"),
        Case(arguments: ["127.0.0.1:9", "--buffers", "-4096"], status: 64, message: "'-4096' is negative: a size"),
        Case(arguments: ["127.0.0.1:9", "--rate", "-1M"], status: 64, message: "'-1M' is negative: a rate cannot be"),
        Case(arguments: ["127.0.0.1:9", "--rate", "-1.5M"], status: 64, message: "'-1.5M' is negative: a rate"),
        Case(arguments: ["127.0.0.1:9", "--duration", "-5s"], status: 64, message: "'-5s' is negative: a duration"),
        Case(arguments: ["sink", "0", "--idle", "-1s"], status: 64, message: "'-1s' is negative: a duration"),
        Case(arguments: ["127.0.0.1:9", "--sndbuf", "-64K"], status: 64, message: "'-64K' is negative: a size"),
        Case(arguments: ["127.0.0.1:9", "--flags", "-1"], status: 64, message: "'-1' is negative: a flag list"),
        Case(arguments: ["sink", "-1"], status: 64, message: "'-1' is not a port number"),
        Case(arguments: ["--listen", "-1"], status: 64, message: "'-1' is not a port number"),
        Case(arguments: ["--listen", "--udp"], status: 64, message: "'--udp' is an option, not a value"),
        Case(arguments: ["127.0.0.1:9", "--mode", "-q"], status: 64, message: "The value '-q' is invalid for '--mode"),
        Case(arguments: ["codes", "-1"], status: 64, message: "'-1' is not a Winsock error code or name"),
        Case(arguments: ["127.0.0.1:9", "--count", "--udp"], status: 64, message: "'--udp' is an option, not a value"),
        Case(arguments: ["127.0.0.1:9", "--count", "-q"], status: 64, message: "'-q' is an option, not a value"),
        Case(
            arguments: ["http://127.0.0.1:9300"], status: 64,
            message: "'http://127.0.0.1:9300' is a URL, not a target: write HOST:PORT, such as 127.0.0.1:9300"),
        Case(arguments: ["help", "nonexistent"], status: 64, message: "'nonexistent' is not a command"),
        Case(
            arguments: ["127.0.0.1:9", "--interval", "1ns"], status: 64,
            message: "'1ns' is shorter than 10ms, the shortest progress interval"),
        Case(
            arguments: ["sink", "0", "--interval", "9ms"], status: 64,
            message: "'9ms' is shorter than 10ms, the shortest progress interval"),
        Case(arguments: ["127.0.0.1:9", "--duration", "1h30"], status: 64, message: "'1h30' has a number without"),
        Case(arguments: ["127.0.0.1:9", "--rate", "100Mbyte"], status: 64, message: "unknown rate unit 'Mbyte'"),
        Case(
            arguments: ["127.0.0.1:9", "--connections", "100001"], status: 64,
            message: "--connections 100001 is out of range: it must be 1 to 100000"),
        Case(
            arguments: ["127.0.0.1:9", "--outstanding", "2000"], status: 64,
            message: "--outstanding 2000 is out of range: it must be 1 to 1024"),
        // Modes, flags, durations, rates.
        Case(
            arguments: ["127.0.0.1:9", "--mode", "event", "--outstanding", "0"], status: 64,
            message: "--outstanding 0 is out of range: it must be 1 to 1024"),
        Case(
            arguments: ["127.0.0.1:9", "--mode", "routine", "--outstanding", "1025"], status: 64,
            message: "--outstanding 1025 is out of range: it must be 1 to 1024"),
        Case(
            arguments: ["127.0.0.1:9", "--mode", "turbo"], status: 64,
            message: "The value 'turbo' is invalid for '--mode <mode>'"),
        Case(
            arguments: ["127.0.0.1:9", "--outstanding", "4"], status: 64,
            message: "--outstanding 4 needs an overlapped mode"),
        Case(arguments: ["127.0.0.1:9", "--flags", "urgent"], status: 64, message: "'urgent' is not a WSASend flag"),
        Case(
            arguments: ["127.0.0.1:9", "--flags", "oob,,partial"], status: 64,
            message: "'oob,,partial' has an empty item"),
        Case(
            arguments: ["127.0.0.1:9", "--flags", "0x1FFFFFFFF"], status: 64,
            message: "'0x1FFFFFFFF' is not a WSASend flag"),
        Case(arguments: ["127.0.0.1:9", "--duration", "5x"], status: 64, message: "'5x' has an unknown unit 'x'"),
        Case(arguments: ["127.0.0.1:9", "--duration", "0s"], status: 64, message: "duration '0s' is zero"),
        Case(arguments: ["127.0.0.1:9", "--duration", "1.2.3s"], status: 64, message: "'1.2.3s' is not a duration"),
        Case(
            arguments: ["127.0.0.1:9", "--connect-timeout", "never"], status: 64, message: "'never' is not a duration"),
        Case(arguments: ["127.0.0.1:9", "--interval", "1x"], status: 64, message: "'1x' has an unknown unit 'x'"),
        Case(arguments: ["127.0.0.1:9", "--rate", "10Q"], status: 64, message: "'10Q' has an unknown rate unit 'Q'"),
        Case(arguments: ["127.0.0.1:9", "--bogus"], status: 64, message: "Unknown option '--bogus'"),
        // Conflicting options.
        Case(
            arguments: ["127.0.0.1:9", "--count", "5", "--duration", "1s"], status: 64,
            message: "--count and --duration exclude each other"),
        Case(arguments: ["127.0.0.1:9", "-v", "-q"], status: 64, message: "-v and -q exclude each other"),
        Case(
            arguments: ["127.0.0.1:9", "--listen", "9000"], status: 64,
            message: "--listen 127.0.0.1:9000 and the target"),
        Case(arguments: ["--listen", "9000", "--udp"], status: 64, message: "--listen waits for a TCP connection"),
        Case(arguments: ["127.0.0.1:9", "--udp", "--nodelay"], status: 64, message: "--nodelay is a TCP option"),
        Case(
            arguments: ["127.0.0.1:9", "--file", "/etc/hostname", "--connections", "2"], status: 64,
            message: "--file /etc/hostname is one stream; it needs --connections 1"),
        // Files, hosts and connections.
        Case(
            arguments: ["127.0.0.1:9", "--file", "/nonexistent/input"], status: 66,
            message: "cannot read '/nonexistent/input': No such file or directory"),
        Case(arguments: ["127.0.0.1:9", "--file", "/"], status: 66, message: "cannot read '/': Is a directory"),
        Case(
            arguments: ["no-such-host.invalid:9"], status: 68,
            message: "cannot resolve 'no-such-host.invalid': WSAHOST_NOT_FOUND (11001)"),
        Case(
            arguments: ["127.0.0.1:{closed}"], status: 69,
            message: "cannot connect to 127.0.0.1:{closed}: WSAECONNREFUSED (10061)"),
        Case(
            arguments: ["[::1]:{closed}", "--connections", "3"], status: 69,
            message: "cannot connect to [::1]:{closed}: WSAECONNREFUSED (10061)"),
        Case(
            arguments: ["--listen", "{busy}"], status: 69,
            message: "cannot listen on 127.0.0.1:{busy}: WSAEADDRINUSE (10048)"),
        // The other commands.
        Case(arguments: ["sink", "65536"], status: 64, message: "port 65536 is out of range: ports are 0 to 65535"),
        Case(arguments: ["sink"], status: 64, message: "Missing expected argument '<address>'"),
        Case(
            arguments: ["sink", "0", "--udp", "--once"], status: 64, message: "--once waits for a connection to close"),
        Case(arguments: ["sink", "0", "--idle", "0s"], status: 64, message: "duration '0s' is zero"),
        Case(
            arguments: ["sink", "0", "--output", "/nonexistent/dir/out"], status: 73,
            message: "cannot create the output file '/nonexistent/dir/out': No such file or directory"),
        Case(arguments: ["sink", "{busy}"], status: 69, message: "cannot listen on 127.0.0.1:{busy}: WSAEADDRINUSE"),
        Case(arguments: ["codes", "99"], status: 64, message: "'99' is not a Winsock error code or name"),
        Case(arguments: ["codes", "NOPE"], status: 64, message: "'NOPE' is not a Winsock error code or name"),
        Case(arguments: ["demo", "--bogus"], status: 64, message: "Unknown option '--bogus'"),
    ]

    /// The ports the placeholders stand for, made once for the whole table.
    static let closedPort = (try? ScriptedPeer.closedPort()) ?? 1
    static let busyPeer = try? ScriptedPeer(.hold)

    static func substitute(_ text: String) -> String {
        text.replacing("{closed}", with: String(closedPort))
            .replacing("{busy}", with: String(busyPeer?.port ?? 1))
    }

    @Test("Each bad input: one specific stderr line, nothing on stdout, the documented exit status", arguments: cases)
    func badInput(_ example: Case) throws {
        let outcome = try Tool.run(example.arguments.map(Self.substitute), timeout: 30)
        #expect(outcome.status == example.status, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.count == 1, "stderr: \(outcome.stderr)")
        let line = outcome.stderrLines.first ?? ""
        #expect(line.hasPrefix("wsasend: "))
        #expect(line.contains(Self.substitute(example.message)), "stderr: \(line)")
    }

    /// Values the grammar takes: each run gets past the command line to the connect, which a closed port
    /// refuses (69, not 64).
    static let goodValues: [[String]] = [
        ["--mode", "EVENT"], ["--mode", "NonBlocking"], ["--rate", "100Mbit"], ["--rate", "100Mbps"],
        ["--rate", "100Mbit/s"], ["--rate", "100Mbits/sec"], ["--rate", "100M"], ["--rate", "12.5MB/s"],
        ["--rate", "12.5MBps"], ["--duration", "1h30m"], ["--duration", "1m30s"], ["--duration", "1"],
        ["--interval", "10ms"], ["--interval", "0"], ["--flags", "OOB"],
    ]

    @Test("Each good spelling of a value is taken (the run fails later, at the connect)", arguments: goodValues)
    func goodValue(_ arguments: [String]) throws {
        let outcome = try Tool.run(["127.0.0.1:\(Self.closedPort)"] + arguments, timeout: 30)
        #expect(outcome.status == 69, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("cannot connect"), "stderr: \(outcome.stderr)")
    }

    @Test("The table covers at least 40 bad inputs")
    func tableSize() {
        #expect(Self.cases.count >= 40)
    }
}

@Suite("JSON on failure")
struct JSONFailureTests {
    static func object(_ outcome: Tool.Outcome) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: outcome.stdoutData)
        return try #require(value as? [String: Any])
    }

    @Test("A refused connection with --json prints a valid JSON report naming WSAECONNREFUSED and exits 69")
    func refusedJSON() throws {
        let port = try ScriptedPeer.closedPort()
        let outcome = try Tool.run(["127.0.0.1:\(port)", "--json"])
        #expect(outcome.status == 69)
        #expect(outcome.stderrLines.count == 1)
        let report = try Self.object(outcome)
        let connections = try #require(report["connections"] as? [[String: Any]])
        let error = try #require(connections.first?["error"] as? [String: Any])
        #expect(error["code"] as? Int == 10061)
        #expect(error["name"] as? String == "WSAECONNREFUSED")
        #expect(report["exit_status"] as? Int == 69)
    }

    @Test("An unknown host with --json prints JSON with WSAHOST_NOT_FOUND and exits 68")
    func unknownHostJSON() throws {
        let outcome = try Tool.run(["no-such-host.invalid:9", "--json"])
        #expect(outcome.status == 68)
        let report = try Self.object(outcome)
        let error = try #require(report["error"] as? [String: Any])
        #expect(error["name"] as? String == "WSAHOST_NOT_FOUND")
    }

    @Test("A usage error with --json still prints one JSON object and exits 64")
    func usageJSON() throws {
        let outcome = try Tool.run(["127.0.0.1:0", "--json"])
        #expect(outcome.status == 64)
        let report = try Self.object(outcome)
        #expect(report["exit_status"] as? Int == 64)
        let error = try #require(report["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("port 0 is out of range") == true)
    }
}
