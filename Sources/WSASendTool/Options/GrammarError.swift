/// Why a piece of command-line text is not a value of its grammar.
///
/// Every case carries the offending text, so that the message names the bad value. The grammars are pure
/// functions (no terminal or process code): the command line, a future REPL and a fuzzer share them, and
/// each decides how to show the error.
public enum GrammarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing was given where a value was expected; the argument names what was expected.
    case empty(what: String)
    /// A target without the `:PORT` part.
    case missingPort(String)
    /// A target or listen address with an empty host before the colon.
    case missingHost(String)
    /// An IPv6 address written without brackets, such as `::1:9000`.
    case ipv6NeedsBrackets(String)
    /// A `[` without its `]`, or text between `]` and `:`.
    case malformedBrackets(String)
    /// Brackets around something that is not an IPv6 address.
    case notIPv6(String)
    /// A host with characters no host name or address has.
    case badHost(String)
    /// A source address (`--bind`) that is not a numeric IPv4 or IPv6 address.
    case notNumericAddress(String)
    /// A port that is not a decimal number.
    case badPort(String)
    /// A port outside the allowed range (1...65535 for targets, 0...65535 where 0 means "any").
    case portOutOfRange(String, lowest: Int)
    /// A number that is not a whole decimal number.
    case notANumber(String, what: String)
    /// A number outside its range; `range` is the human text ("1 to 1024").
    case outOfRange(String, what: String, range: String)
    /// A size whose suffix is not K, M, G, KiB, MiB, GiB, KB, MB, GB or B.
    case unknownSizeSuffix(String, suffix: String)
    /// A size larger than the grammar allows.
    case sizeTooLarge(String, limit: String)
    /// A rate whose prefix and unit are not one of the spellings `RateGrammar` takes.
    case unknownRateUnit(String, unit: String)
    /// A number with a minus sign where only zero or more makes sense; the argument names the value.
    case negative(String, what: String)
    /// An option (`-q`, `--udp`) where a value belongs: the option before it was given none.
    case optionNotValue(String)
    /// A URL where a HOST:PORT target belongs; the second value is the HOST:PORT it names, if it has one.
    case urlNotTarget(String, suggestion: String?)
    /// A progress interval shorter than the shortest one.
    case intervalTooShort(String, minimum: String)
    /// An empty item in a comma-separated list such as `4096,,512`.
    case emptyItem(String)
    /// A buffer item whose count is not a positive number (`0x4096`, `x4096`).
    case badBufferCount(String)
    /// A buffer item with a count and no size after the `x` (`4x`).
    case missingBufferSize(String)
    /// A buffer set with more WSABUF structures than the tool allows.
    case tooManyBuffers(String, limit: Int)
    /// A buffer set whose bytes add up to more than one WSASend can report.
    case bufferSetTooLarge(String, limit: String)
    /// A duration that is not a number with a unit.
    case badDuration(String)
    /// A duration unit other than ns, us, ms, s, m, h.
    case unknownDurationUnit(String, unit: String)
    /// A duration of several parts with a part that has no unit (`1h30`).
    case durationPartWithoutUnit(String)
    /// A duration of zero where a positive one is needed.
    case zeroDuration(String)
    /// A duration too long to count in nanoseconds.
    case durationTooLarge(String)
    /// A flag name that is not oob, dontroute or partial.
    case unknownFlag(String)
    /// A WSA error code or name the catalog does not know.
    case unknownErrorCode(String)
    /// A shard that is not `INDEX/COUNT` or `auto`.
    case badShard(String)
    /// A shard count of zero (`0/0`).
    case noShards(String)
    /// A shard index at or past the count (`3/2`; indexes start at 0).
    case shardOutOfRange(String, count: UInt64)
    /// A shard variable of the environment that is not a whole number, or out of range.
    case badShardVariable(name: String, value: String)
    /// `--shard auto` with none of the launchers' variables set.
    case noShardEnvironment
    /// `JOB_COMPLETION_INDEX` is set but the shard count was not given with `--shards N`.
    case shardCountNeeded(index: String)
    /// A time that is neither RFC 3339 nor Unix seconds.
    case badTime(String)

    /// The sentence, on one line whatever the text it quotes holds.
    public var description: String { sentence.escapingControlCharacters }

    private var sentence: String {
        switch self {
        case .empty(let what):
            return "an empty value is not \(what)"
        case .missingPort(let text):
            return "'\(text)' has no port: write HOST:PORT, such as 127.0.0.1:9000"
        case .missingHost(let text):
            return "'\(text)' has no host before the colon"
        case .ipv6NeedsBrackets(let text):
            return "'\(text)' looks like an IPv6 address: put it in brackets, such as [::1]:9000"
        case .malformedBrackets(let text):
            return "'\(text)' is not [IPV6]:PORT: the brackets are not closed or not followed by ':PORT'"
        case .notIPv6(let text):
            return "'\(text)' is not an IPv6 address: only IPv6 addresses go in brackets"
        case .badHost(let text):
            return "'\(text)' is not a host name or address"
        case .notNumericAddress(let text):
            return "'\(text)' is not a numeric IPv4 or IPv6 address, such as 127.0.0.2 or ::1"
        case .badPort(let text):
            return "'\(text)' is not a port number"
        case .portOutOfRange(let text, let lowest):
            return "port \(text) is out of range: ports are \(lowest) to 65535"
        case .notANumber(let text, let what):
            return "'\(text)' is not a whole number (\(what))"
        case .outOfRange(let text, let what, let range):
            return "\(what) \(text) is out of range: it must be \(range)"
        case .unknownSizeSuffix(let text, let suffix):
            return "'\(text)' has an unknown size suffix '\(suffix)': use K, M, G (1024), KB, MB, GB (1000) or none"
        case .sizeTooLarge(let text, let limit):
            return "size '\(text)' is too large: the limit is \(limit)"
        case .unknownRateUnit(let text, let unit):
            return "'\(text)' has an unknown rate unit '\(unit)': write bits as 100M, 100Mbit or 100Mbps, "
                + "bytes as 12.5MB/s or 12.5MBps (k, M, G, T: powers of 1000)"
        case .negative(let text, let what):
            return "'\(text)' is negative: \(what) cannot be below zero"
        case .optionNotValue(let text):
            return "'\(text)' is an option, not a value: the option before it needs a value"
        case .urlNotTarget(let text, let suggestion):
            let example = suggestion ?? "127.0.0.1:9000"
            return "'\(text)' is a URL, not a target: write HOST:PORT, such as \(example)"
        case .intervalTooShort(let text, let minimum):
            return "'\(text)' is shorter than \(minimum), the shortest progress interval: "
                + "give \(minimum) or more, or 0 for no progress lines"
        case .emptyItem(let text):
            return "'\(text)' has an empty item between commas"
        case .badBufferCount(let text):
            return "'\(text)' has no valid count before 'x': write COUNTxSIZE with COUNT at least 1, such as 4x4096"
        case .missingBufferSize(let text):
            return "'\(text)' has no size after 'x': write COUNTxSIZE, such as 4x4096"
        case .tooManyBuffers(let text, let limit):
            return "'\(text)' has too many buffers: the limit is \(limit)"
        case .bufferSetTooLarge(let text, let limit):
            return "'\(text)' adds up to more than \(limit), the most one WSASend can report"
        case .badDuration(let text):
            return "'\(text)' is not a duration: write a number and a unit, such as 10s, 500ms, 2m or 1h30m "
                + "(a bare number is seconds)"
        case .unknownDurationUnit(let text, let unit):
            return "'\(text)' has an unknown unit '\(unit)': use ns, us, ms, s, m or h"
        case .durationPartWithoutUnit(let text):
            return "'\(text)' has a number without a unit: in a duration of several parts each has its unit, "
                + "such as 1h30m"
        case .zeroDuration(let text):
            return "duration '\(text)' is zero: it must be positive"
        case .durationTooLarge(let text):
            return "duration '\(text)' is too long"
        case .unknownFlag(let text):
            return "'\(text)' is not a WSASend flag: use oob, dontroute, partial (or MSG_OOB ..., or a number)"
        case .unknownErrorCode(let text):
            return "'\(text)' is not a Winsock error code or name"
        case .badShard(let text):
            return "'\(text)' is not a shard: write INDEX/COUNT with INDEX from 0 to COUNT-1, such as 0/4, or auto"
        case .noShards(let text):
            return "'\(text)' has no shards: COUNT must be at least 1"
        case .shardOutOfRange(let text, let count):
            return "shard '\(text)' is out of range: with \(count) shards the index is 0 to \(count - 1)"
        case .badShardVariable(let name, let value):
            return "\(name)='\(value)' is not a usable shard number"
        case .noShardEnvironment:
            return "--shard auto found no shard in the environment: set JOB_COMPLETION_INDEX (with --shards N), "
                + "SLURM_PROCID and SLURM_NTASKS, OMPI_COMM_WORLD_RANK and OMPI_COMM_WORLD_SIZE, or PMI_RANK and "
                + "PMI_SIZE, or give --shard INDEX/COUNT"
        case .shardCountNeeded(let index):
            return "JOB_COMPLETION_INDEX is \(index) but the number of shards is unknown: give --shards N "
                + "(the Job's completions)"
        case .badTime(let text):
            return "'\(text)' is not a time: write RFC 3339, such as 2026-12-06T16:00:00Z, or Unix seconds, "
                + "such as 1796572800"
        }
    }
}
