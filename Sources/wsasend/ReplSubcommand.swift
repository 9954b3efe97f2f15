import ArgumentParser
import Glibc
import WSASendTool

/// `wsasend repl [HOST:PORT] [options]`: an interactive session over a live socket, or a script read
/// from standard input when it is not a terminal.
struct ReplSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive session over a live socket: every WSASend shows its return value and WSA code.",
        discussion: """
            Commands: connect, listen, close, shutdown; the settings buffers, flags, mode, outstanding, \
            sndbuf, nodelay, sndtimeo (spelled and checked as on the command line) and settings; send, recv; \
            for overlapped sends pending, wait, result, flush; status, stats, codes, history, help, quit. \
            Type help in the session for each one. TAB completes; the history is kept in \
            $XDG_STATE_HOME/wsasend/history (else ~/.local/state/wsasend/history). Ctrl-C abandons the line, \
            or interrupts a running send or wait; Ctrl-D leaves with the stats.

            When standard input is not a terminal, its lines run in order without a prompt (# starts a \
            comment). Exit status: 0 when every command succeeded, 1 otherwise, 64 for a malformed line under \
            --stop-on-error, 130 for SIGINT while the script waits for its next line.

            Examples:
              wsasend repl 127.0.0.1:9000 --mode routine --outstanding 8
              printf 'send "GET / HTTP/1.0\\r\\n\\r\\n"\\nrecv 4K 2s\\n' | wsasend repl 127.0.0.1:80 --echo
            """)

    @OptionGroup var options: ReplOptions

    func run() throws {
        ReplSignals.install()
        let interactive = isatty(0) == 1
        let session = ReplSession(settings: options.settings, interrupt: ReplSignals.interrupt)
        let driver = ReplDriver(
            session: session, options: options.driverOptions(interactive: interactive),
            output: { Console.standardOutput.line($0) }, errors: { Console.standardError.line($0) })
        if let target = options.target {
            let line = "connect \(target)\(options.udp ? " --udp" : "")"
            if !driver.handle(line, remember: false) {
                driver.finish()
                throw ExitCode(interactive ? ExitStatus.unavailable : driver.exitStatus)
            }
        }
        if interactive {
            LineEditor(driver: driver, keepsHistory: !options.noHistory).run()
        } else {
            var lines = ScriptLines()
            while let line = lines.next() {
                guard driver.handle(line) else { break }
            }
            // SIGINT while the script waited for its next line ends the read (EINTR) and the script.
            if ReplSignals.interrupt.take() {
                driver.finish()
                Console.standardError.line("wsasend: interrupted while reading the script")
                throw ExitCode(ExitStatus.interrupted)
            }
        }
        driver.finish()
        throw ExitCode(driver.exitStatus)
    }
}
