import Foundation
import Testing

/// `wsasend repl` on a terminal (tmux), with GNU readline: completion, history, Ctrl-C and Ctrl-D.
@Suite(
    "REPL on a terminal",
    .enabled(if: TerminalSession.available, "tmux is not installed and could not be installed with apt-get"),
    .serialized)
struct ReplTerminalTests {
    /// A scratch XDG_STATE_HOME.
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-state-\(UUID().uuidString)")

    var environment: [String: String] { ["XDG_STATE_HOME": state.path] }

    @Test("se<TAB> shows send")
    func completesCommandNames() throws {
        let terminal = try TerminalSession(["repl"], environment: environment)
        defer { terminal.close() }
        defer { try? FileManager.default.removeItem(at: state) }
        try terminal.waitFor("(not connected) blocking>")
        try terminal.type("se")
        try terminal.send("Tab")
        let screen = try terminal.waitFor("settings")
        #expect(screen.split(separator: "\n").contains { $0.split(separator: " ").contains("send") })
        try terminal.send("C-u", "sen", "Tab")
        try terminal.waitFor("blocking> send")
    }

    @Test("mode <TAB><TAB> lists the four modes")
    func completesModes() throws {
        let terminal = try TerminalSession(["repl"], environment: environment)
        defer { terminal.close() }
        defer { try? FileManager.default.removeItem(at: state) }
        try terminal.waitFor("blocking>")
        try terminal.type("mode ")
        try terminal.send("Tab", "Tab")
        let screen = try terminal.waitFor("nonblocking")
        let listing = try #require(screen.split(separator: "\n").first { $0.contains("nonblocking") })
        #expect(Set(listing.split(separator: " ").map(String.init)) == ["blocking", "nonblocking", "event", "routine"])
    }

    @Test("The history survives a restart, in a 0600 file in a 0700 folder")
    func historyPersists() throws {
        defer { try? FileManager.default.removeItem(at: state) }
        do {
            let terminal = try TerminalSession(["repl"], environment: environment)
            defer { terminal.close() }
            try terminal.waitFor("blocking>")
            try terminal.type("help mode\n")
            try terminal.waitFor("usage: mode")
            try terminal.type("settings\n")
            try terminal.waitFor("outstanding 1")
            try terminal.type("settings\n")
            try terminal.send("C-d")
            #expect(try terminal.exitStatus() == 0)
        }
        let folder = state.appendingPathComponent("wsasend")
        let file = folder.appendingPathComponent("history")
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        #expect(fileMode == 0o600)
        // Consecutive duplicates are kept once.
        #expect(try String(contentsOf: file, encoding: .utf8) == "help mode\nsettings\n")

        let terminal = try TerminalSession(["repl"], environment: environment)

        defer { terminal.close() }
        try terminal.waitFor("blocking>")
        try terminal.send("Up", "Up")
        try terminal.waitFor("blocking> help mode")
        try terminal.send("C-u")
        try terminal.type("history\n")
        try terminal.waitFor("2  settings")
    }

    @Test("Ctrl-C during wait 30s returns to the prompt at once, with the socket still connected")
    func interruptWait() throws {
        let peer = try ScriptedPeer(.echo)
        let terminal = try TerminalSession(["repl", "127.0.0.1:\(peer.port)"], environment: environment)
        defer { terminal.close() }
        defer { try? FileManager.default.removeItem(at: state) }
        try terminal.waitFor("tcp blocking>")
        try terminal.type("wait 30s\n")
        Thread.sleep(forTimeInterval: 0.3)
        let pressed = Date()
        try terminal.send("C-c")
        try terminal.waitFor("wait interrupted", timeout: 5)
        #expect(Date().timeIntervalSince(pressed) < 2)
        try terminal.type("send \"still here\\n\"\n")
        try terminal.waitFor("WSASend = 0, 11 bytes")
        try terminal.type("recv\n")
        try terminal.waitFor("\nstill here")
        try terminal.type("status\n")
        try terminal.waitFor("peer        127.0.0.1:\(peer.port)")
    }

    @Test("A blocking send the peer does not take: the first Ctrl-C waits for it, a second leaves with 130")
    func interruptBlockedSend() throws {
        let peer = try ScriptedPeer(.hold, receiveBuffer: 4096)
        let terminal = try TerminalSession(["repl", "127.0.0.1:\(peer.port)"], environment: environment)
        defer { terminal.close() }
        defer { try? FileManager.default.removeItem(at: state) }
        try terminal.waitFor("tcp blocking>")
        try terminal.type("buffers 4x1M\n")
        try terminal.waitFor("tcp blocking> buffers 4x1M\nwsasend 127.0.0.1:\(peer.port) tcp blocking>")
        try terminal.type("send\n")
        // The send fills both sockets' buffers and then blocks.
        Thread.sleep(forTimeInterval: 1)
        try terminal.send("C-c")
        #expect(try terminal.exitStatus(timeout: 1) == nil)
        try terminal.send("C-c")
        #expect(try terminal.exitStatus() == 130)
    }

    @Test("Ctrl-C abandons the line being typed; Ctrl-D on an empty line leaves with exit 0")
    func controlKeys() throws {
        let terminal = try TerminalSession(["repl"], environment: environment)
        defer { terminal.close() }
        defer { try? FileManager.default.removeItem(at: state) }
        try terminal.waitFor("blocking>")
        try terminal.type("mode routine")
        try terminal.send("C-c")
        // Ctrl-C at the prompt, again and again, never ends the session.
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: 0.2)
            try terminal.send("C-c")
        }
        try terminal.type("settings\n")
        let screen = try terminal.waitFor("outstanding 1")
        #expect(screen.contains("mode        blocking"))
        try terminal.send("C-d")
        #expect(try terminal.exitStatus() == 0)
    }
}
