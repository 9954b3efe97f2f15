import ArgumentParser
import Winsock

/// The options of `wsasend codes`.
public struct CodesOptions: ParsableArguments, Sendable {
    @Argument(
        help: ArgumentHelp(
            "A code to explain: its number (10054) or its name (WSAECONNRESET, econnreset).", valueName: "code"),
        transform: { try ErrorCodeGrammar.parse($0).parsed() })
    public var code: WSAErrorInfo?

    @Flag(help: "Print the codes as JSON on standard output.")
    public var json = false

    public init() {}

    /// What the command prints.
    public var output: String {
        switch (code, json) {
        case (let info?, true): CodesReport.entryJSON(info).rendered()
        case (let info?, false): CodesReport.entry(info)
        case (nil, true): CodesReport.json.rendered()
        case (nil, false): CodesReport.table
        }
    }
}
