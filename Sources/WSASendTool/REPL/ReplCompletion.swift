import Winsock

/// What TAB offers at the end of a partly typed line: the command names for the first word, then each
/// command's own words (options, flag names, modes, `shutdown` directions, code names, pending IDs).
/// Pure, so that the readline glue in the executable only converts strings.
public enum ReplCompletion {
    /// The words that complete the last word of `line` (the text before the cursor), in order.
    ///
    /// - Parameter pendingIDs: The IDs `result` may take.
    public static func candidates(for line: String, pendingIDs: [UInt64] = []) -> [String] {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let current = line.last.map { $0 == " " || $0 == "\t" } ?? true ? "" : (words.popLast() ?? "")
        let choices: [String]
        if let command = words.first {
            choices = arguments(of: command, after: Array(words.dropFirst()), pendingIDs: pendingIDs)
        } else {
            choices = ReplGrammar.commandNames
        }
        return choices.filter { $0.hasPrefix(current) }
    }

    /// The words a command takes after the ones already typed.
    static func arguments(of command: String, after typed: [String], pendingIDs: [UInt64]) -> [String] {
        switch (command, typed.count) {
        case ("connect", _):
            return ["--udp", "--no-connect"].filter {
                !typed.contains($0) && ($0 == "--udp" || typed.contains("--udp"))
            }
        case ("shutdown", 0): return ShutdownDirection.allCases.map(\.rawValue)
        case ("mode", 0): return SendMode.allCases.map(\.rawValue)
        case ("flags", 0): return ["oob", "dontroute", "partial", "none"]
        case ("nodelay", 0): return ["on", "off"]
        case ("send", 0): return ["hex"]
        case ("sendto", 0): return ["hex"]
        case ("sendto", 1) where typed[0].contains(":") || typed[0].hasPrefix("["): return ["hex"]
        case ("stats", 0): return ["--json"]
        case ("codes", 0): return WSAErrorCatalog.all.map(\.name).sorted()
        case ("result", 0): return pendingIDs.map(String.init)
        case ("result", 1): return ["wait"]
        case ("help", 0): return ReplGrammar.commandNames
        default: return []
        }
    }
}
