import CReadline
import Glibc
import WSASendTool

/// The REPL on a terminal: GNU readline's callback interface inside a poll loop that also watches the
/// SIGINT pipe, so that Ctrl-C abandons the line being typed (readline's own signal handling is off:
/// it would hand the line back unchanged). TAB completes through `ReplCompletion`; the history is
/// bounded, keeps consecutive duplicates once, and persists in a 0600 file in a 0700 folder.
struct LineEditor {
    let driver: ReplDriver
    let keepsHistory: Bool

    func run() {
        let history = keepsHistory ? HistoryFile.open() : nil
        if let history { driver.session.history = history.load() }
        LineEditorState.session = driver.session
        wsasend_rl_set_name(LineEditorState.name)
        wsasend_rl_set_catch_signals(0)
        wsasend_rl_set_completion(LineEditorState.complete)
        // Pasted lines run one by one, as typed ones do (bracketed paste would gather them into one line).
        rl_variable_bind("enable-bracketed-paste", "off")
        // One TAB lists the choices when there are several (se<TAB>: send, settings).
        rl_variable_bind("show-all-if-ambiguous", "on")
        stifle_history(Int32(ReplHistoryLocation.limit))
        var lastLine = driver.session.history.last
        while true {
            guard let line = readLine() else {
                Console.standardOutput.line("")
                return
            }
            let trimmed = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            if !trimmed.isEmpty && trimmed != lastLine {
                add_history(line)
                history?.append(line)
                lastLine = trimmed
            }
            guard driver.handle(line) else { return }
            // A Ctrl-C the command did not take (it ended first) is forgotten, not left to double the next.
            ReplSignals.drain()
            ReplSignals.interrupt.clear()
        }
    }

    /// One line, or nil at Ctrl-D on an empty line.
    private func readLine() -> String? {
        LineEditorState.line = nil
        LineEditorState.ended = false
        rl_callback_handler_install(driver.session.prompt, LineEditorState.lineHandler)
        defer { rl_callback_handler_remove() }
        while LineEditorState.line == nil && !LineEditorState.ended {
            var entries = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                pollfd(fd: ReplSignals.pipeEnds.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, -1)
            if ready < 0 && errno != EINTR { return nil }
            if ReplSignals.drain() || entries[1].revents != 0 {
                ReplSignals.interrupt.clear()
                abandonLine()
                continue
            }
            if entries[0].revents != 0 { rl_callback_read_char() }
        }
        return LineEditorState.line
    }

    /// Ctrl-C while typing: the line goes, a fresh prompt comes.
    private func abandonLine() {
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_crlf()
        rl_replace_line("", 0)
        rl_on_new_line()
        rl_redisplay()
    }
}

/// What readline's C callbacks share with the editor. Readline calls them on the main thread only, from
/// inside `rl_callback_read_char` and the completer.
enum LineEditorState {
    nonisolated(unsafe) static var line: String?
    nonisolated(unsafe) static var ended = false
    nonisolated(unsafe) static var session: ReplSession?
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var nextCandidate = 0
    /// rl_readline_name keeps the pointer: a copy that lives as long as the process.
    nonisolated(unsafe) static let name: UnsafePointer<CChar> = UnsafePointer(strdup("wsasend")!)

    /// Takes the line (nil at Ctrl-D) and removes the handler at once, so that readline does not show
    /// the prompt again before the command has run.
    static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { text in
        rl_callback_handler_remove()
        guard let text else {
            ended = true
            return
        }
        line = String(cString: text)
        free(text)
    }

    /// The completer: candidates for the word under the cursor, from the line before it.
    static let complete:
        @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = {
            text, _, end in
            wsasend_rl_set_completion_over(1)
            guard let buffer = wsasend_rl_line_buffer() else { return nil }
            let bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(end))
            let before = String(decoding: bytes, as: UTF8.self)
            candidates = ReplCompletion.candidates(for: before, pendingIDs: session?.pendingIDs ?? [])
            nextCandidate = 0
            guard let text else { return nil }
            return rl_completion_matches(text, generate)
        }

    /// readline's generator: one candidate per call, strdup'ed (readline frees them), nil at the end.
    static let generate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, _ in
        guard nextCandidate < candidates.count else { return nil }
        defer { nextCandidate += 1 }
        return strdup(candidates[nextCandidate])
    }
}
