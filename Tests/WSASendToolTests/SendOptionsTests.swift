import Testing
import WSASendTool
import Winsock

@Suite("Send options")
struct SendOptionsTests {
    @Test("Options become a plan: flags combine, count defaults to 1, --file and --duration lift it")
    func plans() throws {
        let plan = try SendOptions.parse(["[::1]:9000", "--flags", "dontroute", "--oob", "--buffers", "4x4096"])
            .makePlan()
        #expect(plan.flags == DWORD(MSG_OOB | MSG_DONTROUTE))
        #expect(plan.count == 1)
        #expect(plan.buffers.totalBytes == 16384)
        #expect(plan.endpoint == .connect(Target(host: "::1", port: 9000)))
        #expect(try SendOptions.parse(["h:1", "--file", "x"]).makePlan().count == nil)
        #expect(try SendOptions.parse(["h:1", "--duration", "2s"]).makePlan().duration == 2_000_000_000)
        #expect(try SendOptions.parse(["--listen", "0"]).makePlan().endpoint == .listen(ListenAddress(port: 0)))
    }

    @Test("Progress lines are on by default only on a terminal, and --interval 0 turns them off")
    func progressDefault() throws {
        #expect(try SendOptions.parse(["h:1"]).makePlan(stderrIsTerminal: true).progressInterval == 1_000_000_000)
        #expect(try SendOptions.parse(["h:1"]).makePlan(stderrIsTerminal: false).progressInterval == nil)
        #expect(
            try SendOptions.parse(["h:1", "--interval", "0"]).makePlan(stderrIsTerminal: true).progressInterval == nil)
        #expect(try SendOptions.parse(["h:1", "-q"]).makePlan(stderrIsTerminal: true).progressInterval == nil)
    }

    @Test(
        "Conflicting options are refused",
        arguments: [
            ["h:1", "--count", "2", "--duration", "1s"],
            ["h:1", "--outstanding", "4"],
            ["h:1", "--mode", "blocking", "--outstanding", "4"],
            ["h:1", "--listen", "9"],
            [],
            ["--listen", "9", "--udp"],
            ["h:1", "--udp", "--nodelay"],
            ["h:1", "-v", "-q"],
            ["h:1", "--file", "f", "--connections", "2"],
            ["h:1", "--file", "f", "--buffers", "3x0"],
            ["h:1", "--udp", "--drain", "1s"],
            ["h:1", "--sndtimeo", "0"],
            ["h:1", "--sndtimeo", "500us"],
            ["h:1", "--sndtimeo", "600h"],
        ])
    func conflicts(arguments: [String]) {
        #expect(throws: (any Error).self) { try SendOptions.parse(arguments) }
    }
}

@Suite("Command-line words")
struct CommandLineWordsTests {
    @Test(
        "Negative numbers move after a -- for a second parse; other words stay in order",
        arguments: [
            (["sink", "-1"], ["sink", "--", "-1"]),
            (["sink", "-1", "--udp"], ["sink", "--udp", "--", "-1"]),
            (["codes", "-10054", "--json"], ["codes", "--json", "--", "-10054"]),
            (["codes", "-.5"], ["codes", "--", "-.5"]),
        ] as [([String], [String])])
    func moved(arguments: [String], expected: [String]) {
        #expect(CommandLineWords.negativeNumbersAsPositionals(arguments) == expected)
    }

    @Test(
        "Lines without a negative number, or with a -- already, are left alone",
        arguments: [["sink", "9000"], ["codes", "-q"], ["sink", "--", "-1"], ["h:1", "--count", "--udp"]])
    func unchanged(arguments: [String]) {
        #expect(CommandLineWords.negativeNumbersAsPositionals(arguments) == nil)
    }

    @Test("help TOPIC: a topic that is no command is named; commands, options and no topic are not")
    func helpTopics() {
        let commands = ["send", "sink", "demo", "codes"]
        #expect(CommandLineWords.unknownHelpTopic(["help", "nonexistent"], commands: commands) == "nonexistent")
        #expect(CommandLineWords.unknownHelpTopic(["help", "sink"], commands: commands) == nil)
        #expect(CommandLineWords.unknownHelpTopic(["help"], commands: commands) == nil)
        #expect(CommandLineWords.unknownHelpTopic(["help", "--help"], commands: commands) == nil)
        #expect(CommandLineWords.unknownHelpTopic(["sink", "help"], commands: commands) == nil)
    }
}
