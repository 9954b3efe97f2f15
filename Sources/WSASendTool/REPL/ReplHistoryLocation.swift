/// Where the REPL keeps its history: `$XDG_STATE_HOME/wsasend/history`, else
/// `~/.local/state/wsasend/history` (the XDG Base Directory specification's state folder); nil when
/// neither variable says where home is.
public enum ReplHistoryLocation {
    /// The most lines the file keeps.
    public static let limit = 1000

    /// The folder and the file, from the environment.
    public static func paths(environment: [String: String]) -> (folder: String, file: String)? {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else if let home = environment["HOME"], !home.isEmpty {
            base = home + "/.local/state"
        } else {
            return nil
        }
        let folder = base + "/wsasend"
        return (folder, folder + "/history")
    }
}
