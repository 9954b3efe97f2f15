/// A whole text file written at once (`--histogram`, `merge --histogram`): created or truncated, then
/// written; a failure is exit 73 with the system's reason.
public enum TextFile {
    public static func write(_ text: String, to path: String, option: String) -> ToolFailure? {
        let file: OutputFile
        switch OutputFile.create(path) {
        case .success(let created): file = created
        case .failure(let error):
            return .unwritableTextFile(option: option, path: path, created: false, errno: error.code)
        }
        var bytes = Array(text.utf8)
        let result = bytes.withUnsafeMutableBytes { file.write(UnsafeRawBufferPointer($0)) }
        if case .failure(let error) = result {
            return .unwritableTextFile(option: option, path: path, created: true, errno: error.code)
        }
        return nil
    }
}
