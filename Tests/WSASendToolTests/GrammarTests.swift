import Testing
import WSASendTool

@Suite("Targets and listen addresses")
struct AddressGrammarTests {
    @Test(
        "HOST:PORT parses names, IPv4 and bracketed IPv6 addresses",
        arguments: [
            ("127.0.0.1:9000", "127.0.0.1", 9000),
            ("localhost:1", "localhost", 1),
            ("example.org:65535", "example.org", 65535),
            ("[::1]:9000", "::1", 9000),
            ("[fe80::1%lo]:80", "fe80::1%lo", 80),
            ("host-name_1.example:007", "host-name_1.example", 7),
        ] as [(String, String, UInt16)])
    func parsesTargets(text: String, host: String, port: UInt16) throws {
        let target = try Target.parse(text).get()
        #expect(target.host == host)
        #expect(target.port == port)
    }

    @Test(
        "A bad target is refused with the error naming it",
        arguments: [
            ("", GrammarError.empty(what: "a HOST:PORT target")),
            ("127.0.0.1", .missingPort("127.0.0.1")),
            (":80", .missingHost(":80")),
            ("127.0.0.1:0", .portOutOfRange("0", lowest: 1)),
            ("127.0.0.1:65536", .portOutOfRange("65536", lowest: 1)),
            ("127.0.0.1:99999999999999999999999", .portOutOfRange("99999999999999999999999", lowest: 1)),
            ("127.0.0.1:-1", .badPort("-1")),
            ("127.0.0.1:", .badPort("")),
            ("127.0.0.1:http", .badPort("http")),
            ("::1:9000", .ipv6NeedsBrackets("::1:9000")),
            ("[::1:9000", .malformedBrackets("[::1:9000")),
            ("[::1]9000", .malformedBrackets("[::1]9000")),
            ("[127.0.0.1]:80", .notIPv6("[127.0.0.1]:80")),
            ("[]:80", .notIPv6("[]:80")),
            ("bad host:80", .badHost("bad host")),
        ])
    func refusesTargets(text: String, error: GrammarError) {
        #expect(throws: error) { try Target.parse(text).get() }
    }

    @Test("The target's description puts IPv6 literals back in brackets")
    func describesTargets() throws {
        #expect(try Target.parse("[::1]:9000").get().description == "[::1]:9000")
        #expect(try Target.parse("127.0.0.1:9").get().description == "127.0.0.1:9")
    }

    @Test(
        "[HOST:]PORT defaults the host to 127.0.0.1 and allows port 0",
        arguments: [
            ("9000", "127.0.0.1", 9000),
            ("0", "127.0.0.1", 0),
            ("0.0.0.0:80", "0.0.0.0", 80),
            ("[::]:0", "::", 0),
            ("localhost:9", "localhost", 9),
        ] as [(String, String, UInt16)])
    func parsesListenAddresses(text: String, host: String, port: UInt16) throws {
        let address = try ListenAddress.parse(text).get()
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(
        "A bad listen address is refused",
        arguments: [
            ("65536", GrammarError.portOutOfRange("65536", lowest: 0)),
            (":9", .missingHost(":9")),
            ("nine", .badPort("nine")),
        ])
    func refusesListenAddresses(text: String, error: GrammarError) {
        #expect(throws: error) { try ListenAddress.parse(text).get() }
    }
}

@Suite("Sizes and buffer specs")
struct BufferGrammarTests {
    @Test(
        "Sizes take binary (K, KiB) and decimal (KB) suffixes in any case",
        arguments: [
            ("0", 0), ("4096", 4096), ("4K", 4096), ("4k", 4096), ("4KiB", 4096), ("4kib", 4096),
            ("4KB", 4000), ("2M", 2 << 20), ("2MiB", 2 << 20), ("2MB", 2_000_000), ("1G", 1 << 30),
            ("3GB", 3_000_000_000), ("12B", 12),
        ] as [(String, UInt64)])
    func parsesSizes(text: String, bytes: UInt64) throws {
        #expect(try ByteSize.parse(text[...]).get() == bytes)
    }

    @Test(
        "Bad sizes are refused",
        arguments: [
            ("4Q", GrammarError.unknownSizeSuffix("4Q", suffix: "Q")),
            ("4 K", .unknownSizeSuffix("4 K", suffix: " K")),
            ("1.5K", .notANumber("1.5K", what: "a size")),
            ("-1", .negative("-1", what: "a size")),
            ("K", .notANumber("K", what: "a size")),
            ("5G", .sizeTooLarge("5G", limit: "4294967295 bytes")),
            ("18446744073709551616", .sizeTooLarge("18446744073709551616", limit: "4294967295 bytes")),
            ("17179869184G", .sizeTooLarge("17179869184G", limit: "4294967295 bytes")),
        ])
    func refusesSizes(text: String, error: GrammarError) {
        #expect(throws: error) { try ByteSize.parse(text[...]).get() }
    }

    @Test(
        "Buffer specs expand COUNTxSIZE items in order",
        arguments: [
            ("4x4096", [4096, 4096, 4096, 4096]),
            ("2x1K,512,3x0", [1024, 1024, 512, 0, 0, 0]),
            ("1", [1]),
            ("1X2", [2]),
            ("0", [0]),
        ] as [(String, [UInt32])])
    func parsesBufferSpecs(text: String, lengths: [UInt32]) throws {
        #expect(try BufferSpec.parse(text).get().lengths == lengths)
    }

    @Test(
        "Bad buffer specs are refused with the item named",
        arguments: [
            ("", GrammarError.empty(what: "a buffer spec")),
            ("4096,,512", .emptyItem("4096,,512")),
            ("4096,", .emptyItem("4096,")),
            ("0x4096", .badBufferCount("0x4096")),
            ("x4096", .badBufferCount("x4096")),
            ("ax4096", .badBufferCount("ax4096")),
            ("4x", .missingBufferSize("4x")),
            ("65537x1", .tooManyBuffers("65537x1", limit: 65536)),
            ("2x3G", .bufferSetTooLarge("2x3G", limit: "4294967295 bytes")),
            ("3G,2G", .bufferSetTooLarge("3G,2G", limit: "4294967295 bytes")),
        ])
    func refusesBufferSpecs(text: String, error: GrammarError) {
        #expect(throws: error) { try BufferSpec.parse(text).get() }
    }

    @Test("A buffer spec prints back in the grammar, runs folded")
    func describesBufferSpecs() throws {
        #expect(try BufferSpec.parse("4096,4096,512,3x0").get().description == "2x4096,512,3x0")
        #expect(try BufferSpec.parse("2x1K,512").get().totalBytes == 2560)
    }
}

@Suite("Durations, rates, counts and flags")
struct ScalarGrammarTests {
    @Test(
        "Durations take ns, us, ms, s, m, h, fractions and several parts; a bare number is seconds",
        arguments: [
            ("10s", 10_000_000_000), ("500ms", 500_000_000), ("2m", 120_000_000_000), ("1h", 3_600_000_000_000),
            ("1.5s", 1_500_000_000), ("250us", 250_000), ("7ns", 7), ("3", 3_000_000_000), (".5s", 500_000_000),
            ("1h30m", 5_400_000_000_000), ("1m30s", 90_000_000_000), ("2s500ms", 2_500_000_000),
            ("1.5h15m", 6_300_000_000_000), ("1min", 60_000_000_000),
        ] as [(String, UInt64)])
    func parsesDurations(text: String, nanoseconds: UInt64) throws {
        #expect(try DurationGrammar.parse(text).get() == nanoseconds)
    }

    @Test(
        "Bad durations are refused",
        arguments: [
            ("5x", GrammarError.unknownDurationUnit("5x", unit: "x")),
            ("s", .badDuration("s")),
            ("1.2.3s", .badDuration("1.2.3s")),
            ("0s", .zeroDuration("0s")),
            ("99999999999h", .durationTooLarge("99999999999h")),
            ("", .empty(what: "a duration")),
            ("1h30", .durationPartWithoutUnit("1h30")),
            ("1h30x", .unknownDurationUnit("1h30x", unit: "x")),
            ("-5s", .negative("-5s", what: "a duration")),
            ("-.5s", .negative("-.5s", what: "a duration")),
            ("--udp", .optionNotValue("--udp")),
        ])
    func refusesDurations(text: String, error: GrammarError) {
        #expect(throws: error) { try DurationGrammar.parse(text).get() }
    }

    @Test("A zero duration is allowed where it means off")
    func zeroMeansOff() throws {
        #expect(try DurationGrammar.parse("0", allowZero: true).get() == 0)
    }

    @Test(
        "A progress interval is 0 (off) or at least 10 ms",
        arguments: [
            ("0", Result<UInt64, GrammarError>.success(0)), ("10ms", .success(10_000_000)),
            ("1s", .success(1_000_000_000)), ("1ns", .failure(.intervalTooShort("1ns", minimum: "10ms"))),
            ("9.99ms", .failure(.intervalTooShort("9.99ms", minimum: "10ms"))),
        ])
    func intervals(text: String, expected: Result<UInt64, GrammarError>) {
        #expect(DurationGrammar.parseInterval(text) == expected)
    }

    @Test(
        "Rates are bits per second with k, M, G, T in either case; a unit with B means bytes",
        arguments: [
            ("100M", 100_000_000), ("100m", 100_000_000), ("1.5G", 1_500_000_000), ("800k", 800_000), ("64", 64),
            ("100Mbit", 100_000_000), ("100Mbps", 100_000_000), ("100Mbit/s", 100_000_000),
            ("100Mbits/sec", 100_000_000), ("100Mb", 100_000_000), ("1T", 1_000_000_000_000), ("8bps", 8),
            ("12.5MB/s", 100_000_000), ("12.5MBps", 100_000_000), ("1KB", 8_000), ("100B", 800),
            ("1kbytes/s", 8_000),
        ] as [(String, UInt64)])
    func parsesRates(text: String, bits: UInt64) throws {
        #expect(try RateGrammar.parse(text).get() == bits)
    }

    @Test(
        "Bad rates are refused",
        arguments: [
            ("-1M", GrammarError.negative("-1M", what: "a rate")),
            ("-1.5M", .negative("-1.5M", what: "a rate")),
            ("-q", .optionNotValue("-q")),
            ("fast", .notANumber("fast", what: "a rate")),
            ("10X", .unknownRateUnit("10X", unit: "X")),
            ("100Mbyte", .unknownRateUnit("100Mbyte", unit: "Mbyte")),
            ("100MiB", .unknownRateUnit("100MiB", unit: "MiB")),
            ("1.2.3M", .notANumber("1.2.3M", what: "a rate")),
            ("0.5", .outOfRange("0.5", what: "rate", range: "at least 1 bit/s")),
            ("", .empty(what: "a rate")),
        ])
    func refusesRates(text: String, error: GrammarError) {
        #expect(throws: error) { try RateGrammar.parse(text).get() }
    }

    @Test("Counts are whole numbers within their range")
    func parsesCounts() throws {
        #expect(try NumberGrammar.parse("12", what: "--count", in: 1...100).get() == 12)
        #expect(throws: GrammarError.outOfRange("0", what: "--count", range: "1 to 100")) {
            try NumberGrammar.parse("0", what: "--count", in: 1...100).get()
        }
        #expect(throws: GrammarError.notANumber("1e3", what: "--count")) {
            try NumberGrammar.parse("1e3", what: "--count", in: 1...100).get()
        }
        #expect(throws: GrammarError.outOfRange("99999999999999999999999", what: "--count", range: "1 to 100")) {
            try NumberGrammar.parse("99999999999999999999999", what: "--count", in: 1...100).get()
        }
    }

    @Test(
        "Flag lists take names in any case, with or without MSG_, and numbers",
        arguments: [
            ("oob", 0x1), ("OOB", 0x1), ("MSG_OOB", 0x1), ("msg_dontroute", 0x4), ("partial", 0x8000),
            ("oob,dontroute", 0x5), ("oob|partial", 0x8001), ("0x10", 0x10), ("32768", 0x8000), ("oob, 4", 0x5),
        ] as [(String, UInt32)])
    func parsesFlags(text: String, flags: UInt32) throws {
        #expect(try FlagList.parse(text).get() == flags)
    }

    @Test(
        "Unknown flags are refused, never dropped",
        arguments: [
            ("urgent", GrammarError.unknownFlag("urgent")),
            ("MSG_PEEK", .unknownFlag("MSG_PEEK")),
            ("0x100000000", .unknownFlag("0x100000000")),
            ("oob,,dontroute", .emptyItem("oob,,dontroute")),
        ])
    func refusesFlags(text: String, error: GrammarError) {
        #expect(throws: error) { try FlagList.parse(text).get() }
    }

    @Test("Flag names print as the contract spells them, unknown bits as a number")
    func namesFlags() {
        #expect(FlagList.names(0x8005) == ["MSG_OOB", "MSG_DONTROUTE", "MSG_PARTIAL"])
        #expect(FlagList.names(0x30) == ["0x30"])
        #expect(FlagList.names(0).isEmpty)
    }

    @Test("Error codes are found by number or by name in any case")
    func findsErrorCodes() throws {
        #expect(try ErrorCodeGrammar.parse("10054").get().name == "WSAECONNRESET")
        #expect(try ErrorCodeGrammar.parse("econnreset").get().code == 10054)
        #expect(try ErrorCodeGrammar.parse("WSAEWOULDBLOCK").get().code == 10035)
        #expect(throws: GrammarError.unknownErrorCode("99")) { try ErrorCodeGrammar.parse("99").get() }
        #expect(throws: GrammarError.unknownErrorCode("ENOPE")) { try ErrorCodeGrammar.parse("ENOPE").get() }
    }
}

@Suite("One grammar for values")
struct ValueGrammarTests {
    /// Each grammar that takes the next word whatever it is, parsing the same word.
    static let grammars: [(String, @Sendable (String) -> GrammarError?)] = [
        ("--count", { NumberGrammar.parse($0, what: "--count", in: 1...100).failure }),
        ("a size", { ByteSize.parse($0[...]).failure }),
        ("a size", { BufferSpec.parse($0).failure }),
        ("a rate", { RateGrammar.parse($0).failure }),
        ("a duration", { DurationGrammar.parse($0).failure }),
        ("a duration", { DurationGrammar.parseInterval($0).failure }),
        ("a flag list", { FlagList.parse($0).failure }),
    ]

    @Test("A negative number gets one sentence in every grammar", arguments: 0..<grammars.count)
    func negatives(index: Int) {
        let (what, parse) = Self.grammars[index]
        for word in ["-1", "-1.5", "-.5"] {
            #expect(parse(word) == .negative(word, what: what))
            #expect(parse(word)?.description == "'\(word)' is negative: \(what) cannot be below zero")
        }
    }

    @Test("An option where a value belongs is called an option in every grammar", arguments: 0..<grammars.count)
    func options(index: Int) {
        for word in ["-q", "--udp", "-"] {
            #expect(Self.grammars[index].1(word) == .optionNotValue(word))
        }
    }

    @Test(
        "Each grammar error has its own sentence",
        arguments: [
            (
                GrammarError.urlNotTarget("http://127.0.0.1:9300", suggestion: "127.0.0.1:9300"),
                "'http://127.0.0.1:9300' is a URL, not a target: write HOST:PORT, such as 127.0.0.1:9300"
            ),
            (
                .intervalTooShort("1ns", minimum: "10ms"),
                "'1ns' is shorter than 10ms, the shortest progress interval: give 10ms or more, or 0 for no progress lines"
            ),
            (
                .durationPartWithoutUnit("1h30"),
                "'1h30' has a number without a unit: in a duration of several parts each has its unit, such as 1h30m"
            ),
            (
                .badDuration("s"),
                "'s' is not a duration: write a number and a unit, such as 10s, 500ms, 2m or 1h30m (a bare number is seconds)"
            ),
            (
                .unknownRateUnit("10X", unit: "X"),
                "'10X' has an unknown rate unit 'X': write bits as 100M, 100Mbit or 100Mbps, bytes as 12.5MB/s or 12.5MBps (k, M, G, T: powers of 1000)"
            ),
            (.optionNotValue("-q"), "'-q' is an option, not a value: the option before it needs a value"),
            // What the user typed is quoted on one line: line breaks and control characters as escapes.
            (.badHost("a\nb\r\u{1B}[2J\tc"), "'a\\nb\\r\\x1b[2J\tc' is not a host name or address"),
        ])
    func sentences(error: GrammarError, sentence: String) {
        #expect(error.description == sentence)
    }

    @Test(
        "A URL is not a target; the HOST:PORT in it is suggested when it has one",
        arguments: [
            ("http://127.0.0.1:9300", "127.0.0.1:9300"), ("https://[::1]:8443/x", "[::1]:8443"),
            ("tcp://example.org:80", "example.org:80"), ("http://example.org/", nil),
        ] as [(String, String?)])
    func urls(text: String, suggestion: String?) {
        #expect(Target.parse(text).failure == .urlNotTarget(text, suggestion: suggestion))
        #expect(ListenAddress.parse(text).failure == .urlNotTarget(text, suggestion: suggestion))
    }

    @Test("Modes are read in any case, as flags and codes are", arguments: ["event", "EVENT", "Event", "eVeNt"])
    func modes(text: String) {
        #expect(SendMode(argument: text) == .event)
    }
}

extension Result {
    /// The error, or nil for a success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
