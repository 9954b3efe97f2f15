import ArgumentParser

/// The root of the command tree: `wsasend HOST:PORT [options]` runs `send`, the default subcommand.
struct WSASendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wsasend",
        abstract: "Send with Winsock's WSASend on Linux, and report exactly what each call did.",
        discussion: """
            wsasend calls the Win32-shaped WSASend of the Winsock library for every send, so every figure \
            it prints is what a Winsock program would have seen: return values, WSA codes, bytes taken.

            Examples:
              wsasend sink 9000 &
              wsasend 127.0.0.1:9000 --buffers 4x4096 --count 1000
              wsasend [::1]:9000 --mode nonblocking --sndbuf 64K --buffers 4x256K -v
              wsasend demo
              wsasend codes WSAECONNRESET
            """,
        version: "0.1.0",
        subcommands: [
            SendCommand.self, SinkCommand.self, DemoCommand.self, CodesCommand.self, ReplSubcommand.self,
            MergeCommand.self,
        ],
        defaultSubcommand: SendCommand.self)
}
