import ArgumentParser
import WSASendTool

/// `wsasend codes [CODE|NAME]`: the Winsock error codes.
struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "List every Winsock error code with its number, name and meaning, or explain one in full.",
        discussion: """
            Examples:
              wsasend codes
              wsasend codes 10035
              wsasend codes WSAECONNRESET
              wsasend codes econnreset
            """)

    @OptionGroup var options: CodesOptions

    func run() throws {
        Console.standardOutput.line(options.output)
    }
}
