import Winsock

/// The REPL's grammar: a pure function from a line to a command or one specific error.
///
/// Every value a command takes is read by the grammar the command line uses for the same thing
/// (`BufferSpec`, `FlagList`, `ByteSize`, `DurationGrammar`, `NumberGrammar`, `Target`, `ListenAddress`,
/// `ErrorCodeGrammar`), so a mistake reads the same in both places.
public enum ReplGrammar {
    /// The command names, in the order `help` lists them.
    public static let commandNames = ReplHelp.entries.map(\.name)

    /// The most calls one `send N` makes.
    public static let maximumSendCount: UInt64 = 1_000_000_000

    /// Reads one line.
    public static func parse(_ line: String) -> Result<ReplCommand, ReplError> {
        switch ReplTokenizer.tokens(line) {
        case .failure(let error): return .failure(error)
        case .success(let tokens): return parse(tokens)
        }
    }

    /// Reads the tokens of one line.
    public static func parse(_ tokens: [ReplToken]) -> Result<ReplCommand, ReplError> {
        guard let first = tokens.first else { return .success(.nothing) }
        guard let name = first.word else { return .failure(.unknownCommand(first.spelled)) }
        let rest = Array(tokens.dropFirst())
        if name == "send" { return send(rest) }
        if name == "sendto" { return sendTo(rest) }
        var words: [String] = []
        for token in rest {
            guard let word = token.word else { return .failure(.quotedNotAllowed(command: name)) }
            words.append(word)
        }
        do {
            return .success(try command(name, words))
        } catch {
            return .failure(error)
        }
    }

    private static func command(_ name: String, _ words: [String]) throws(ReplError) -> ReplCommand {
        switch name {
        case "connect":
            var udp = false
            var noConnect = false
            var target: Target?
            for word in words {
                if word == "--udp" {
                    udp = true
                } else if word == "--no-connect" {
                    noConnect = true
                } else if word.hasPrefix("--") {
                    throw .unknownOption(command: name, option: word)
                } else if target == nil {
                    target = try value(Target.parse(word))
                } else {
                    throw .extraArgument(command: name, word: word)
                }
            }
            guard let target else { throw .missingArgument(command: name, what: "HOST:PORT") }
            if noConnect && !udp { throw .optionNeedsOther(command: name, option: "--no-connect", other: "--udp") }
            return .connect(target, udp: udp, noConnect: noConnect)
        case "listen":
            let address = try one(name, words, what: "a PORT (or HOST:PORT)")
            return .listen(try value(ListenAddress.parse(address)))
        case "close": try none(name, words); return .close
        case "shutdown":
            let word = try one(name, words, what: "send, receive or both")
            guard let direction = ShutdownDirection(rawValue: word) else {
                throw .badChoice(command: name, word: word, choices: "send, receive or both")
            }
            return .shutdown(direction)
        case "buffers":
            return .set(.buffers(try value(BufferSpec.parse(try one(name, words, what: "a buffer spec")))))
        case "flags":
            let list = try one(name, words, what: "a flag list (or none)")
            return .set(.flags(list == "none" ? 0 : try value(FlagList.parse(list))))
        case "mode":
            let word = try one(name, words, what: "a mode")
            guard let mode = SendMode(rawValue: word.lowercased()) else {
                throw .badChoice(command: name, word: word, choices: "blocking, nonblocking, event or routine")
            }
            return .set(.mode(mode))
        case "outstanding":
            let number = try one(name, words, what: "a number")
            return .set(
                .outstanding(
                    Int(try value(NumberGrammar.parse(number, what: "outstanding", in: OptionLimits.outstanding)))))
        case "sndbuf":
            let size = try one(name, words, what: "a size")
            return .set(.sndbuf(try value(ByteSize.parse(size[...], limit: OptionLimits.sendBufferSize))))
        case "nodelay":
            let word = try one(name, words, what: "on or off")
            guard word == "on" || word == "off" else {
                throw .badChoice(command: name, word: word, choices: "on or off")
            }
            return .set(.nodelay(word == "on"))
        case "sndtimeo":
            let text = try one(name, words, what: "a duration (0 for none)")
            let nanoseconds = try value(DurationGrammar.parse(text, allowZero: true))
            guard nanoseconds / 1_000_000 <= OptionLimits.sendTimeoutMilliseconds else {
                throw .value(.durationTooLarge(text))
            }
            return .set(.sndtimeo(nanoseconds))
        case "settings": try none(name, words); return .settings
        case "recv":
            guard words.count <= 2 else { throw .extraArgument(command: name, word: words[2]) }
            var size: UInt64 = 65536
            if let text = words.first {
                size = try value(ByteSize.parse(text[...], limit: 16 << 20))
                guard size > 0 else { throw .value(.outOfRange(text, what: "recv's size", range: "1 byte to 16M")) }
            }
            var timeout: UInt64 = 1_000_000_000
            if words.count == 2 { timeout = try value(DurationGrammar.parse(words[1], allowZero: true)) }
            return .recv(size: size, timeout: timeout)
        case "pending": try none(name, words); return .pending
        case "wait":
            guard words.count <= 1 else { throw .extraArgument(command: name, word: words[1]) }
            guard let text = words.first else { return .wait(timeout: nil) }
            return .wait(timeout: try value(DurationGrammar.parse(text, allowZero: true)))
        case "result":
            guard let id = words.first else { throw .missingArgument(command: name, what: "a send's ID") }
            let number = try value(NumberGrammar.parse(id, what: "result's ID", in: 1...UInt64(Int64.max)))
            guard words.count <= 2 else { throw .extraArgument(command: name, word: words[2]) }
            if words.count == 2 && words[1] != "wait" {
                throw .badChoice(command: name, word: words[1], choices: "wait, or nothing")
            }
            return .result(id: number, wait: words.count == 2)
        case "flush": try none(name, words); return .flush
        case "status": try none(name, words); return .status
        case "stats":
            guard words.count <= 1 else { throw .extraArgument(command: name, word: words[1]) }
            if let word = words.first, word != "--json" { throw .unknownOption(command: name, option: word) }
            return .stats(json: words.count == 1)
        case "codes":
            guard words.count <= 1 else { throw .extraArgument(command: name, word: words[1]) }
            guard let text = words.first else { return .codes(nil) }
            return .codes(try value(ErrorCodeGrammar.parse(text)).code)
        case "history": try none(name, words); return .history
        case "help":
            guard words.count <= 1 else { throw .extraArgument(command: name, word: words[1]) }
            if let topic = words.first, ReplHelp.entry(named: topic) == nil { throw .unknownCommand(topic) }
            return .help(words.first)
        case "quit", "exit": try none(name, words); return .quit
        default:
            throw .unknownCommand(name)
        }
    }

    /// `send [N]`, `send "text"`, `send hex DIGITS...`.
    private static func send(_ tokens: [ReplToken]) -> Result<ReplCommand, ReplError> {
        payload(tokens, command: "send").map {
            switch $0 {
            case .count(let count): .send(count: count)
            case .bytes(let bytes): .sendBytes(bytes)
            }
        }
    }

    /// `sendto [HOST:PORT]` and then what `send` takes. A first word with a colon (or a bracket, for
    /// IPv6) is the destination; a count, `hex` or a quoted string never has one.
    private static func sendTo(_ tokens: [ReplToken]) -> Result<ReplCommand, ReplError> {
        var rest = tokens[...]
        var target: Target?
        if let word = rest.first?.word, word.contains(":") || word.hasPrefix("[") {
            switch Target.parse(word) {
            case .success(let parsed): target = parsed
            case .failure(let error): return .failure(.value(error))
            }
            rest = rest.dropFirst()
        }
        return payload(Array(rest), command: "sendto").map {
            switch $0 {
            case .count(let count): .sendTo(target, count: count)
            case .bytes(let bytes): .sendBytesTo(target, bytes)
            }
        }
    }

    /// What `send` and `sendto` send: N calls with the current buffers, or these bytes once.
    private enum Payload {
        case count(UInt64)
        case bytes([UInt8])
    }

    /// `[N]`, `"text"` or `hex DIGITS...`, for `command`.
    private static func payload(_ tokens: [ReplToken], command: String) -> Result<Payload, ReplError> {
        guard let first = tokens.first else { return .success(.count(1)) }
        switch first {
        case .quoted(let bytes):
            guard tokens.count == 1 else {
                return .failure(.extraArgument(command: command, word: tokens[1].spelled))
            }
            return .success(.bytes(bytes))
        case .word("hex"):
            var words: [String] = []
            for token in tokens.dropFirst() {
                guard let word = token.word else { return .failure(.quotedNotAllowed(command: command + " hex")) }
                words.append(word)
            }
            return HexGrammar.bytes(words, command: command).map { .bytes($0) }
        case .word(let count):
            guard tokens.count == 1 else {
                return .failure(.extraArgument(command: command, word: tokens[1].spelled))
            }
            return NumberGrammar.parse(count, what: command + "'s count", in: 1...maximumSendCount)
                .map { .count($0) }.mapError { .value($0) }
        }
    }

    private static func value<T>(_ result: Result<T, GrammarError>) throws(ReplError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error): throw .value(error)
        }
    }

    private static func one(_ command: String, _ words: [String], what: String) throws(ReplError) -> String {
        guard let word = words.first else { throw .missingArgument(command: command, what: what) }
        guard words.count == 1 else { throw .extraArgument(command: command, word: words[1]) }
        return word
    }

    private static func none(_ command: String, _ words: [String]) throws(ReplError) {
        if let word = words.first { throw .extraArgument(command: command, word: word) }
    }
}
