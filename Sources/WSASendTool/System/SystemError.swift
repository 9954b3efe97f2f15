import Glibc

/// The system's sentence for an errno ("No such file or directory"), for messages about files.
func systemMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
