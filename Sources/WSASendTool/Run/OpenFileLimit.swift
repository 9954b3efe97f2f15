import Glibc

/// Raises the process's open-file limit (RLIMIT_NOFILE) to what a run of many connections holds.
///
/// The soft limit (often 1,024 or 20,000) is raised towards the hard one, which any process may do; when
/// the hard limit is short too, a process with the privilege (root) raises it as far as the kernel's
/// ceiling, `/proc/sys/fs/nr_open`. Otherwise the run stops before its first connection with a sentence
/// that says how many files it needs and how to allow them, rather than failing at connection 20,001.
enum OpenFileLimit {
    /// Makes room for `needed` open files; nil when there is, the failure (exit status 69) when there
    /// cannot be.
    static func raise(toHold needed: Int, connections: Int) -> ToolFailure? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        let wanted = rlim_t(needed)
        if limit.rlim_cur >= wanted { return nil }
        if limit.rlim_max < wanted {
            let ceiling = kernelCeiling() ?? wanted
            var raised = rlimit(rlim_cur: min(wanted, ceiling), rlim_max: min(wanted, ceiling))
            if raised.rlim_max >= wanted, setrlimit(resource, &raised) == 0 { return nil }
            return .tooFewOpenFiles(
                connections: connections, needed: needed, limit: UInt64(limit.rlim_max), refusal: nil)
        }
        var raised = rlimit(rlim_cur: wanted, rlim_max: limit.rlim_max)
        if setrlimit(resource, &raised) == 0 { return nil }
        return .tooFewOpenFiles(
            connections: connections, needed: needed, limit: UInt64(limit.rlim_cur), refusal: errno)
    }

    /// RLIMIT_NOFILE as getrlimit takes it (Glibc imports the constant as an enum case).
    private static var resource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }

    /// The most open files the kernel lets any process have, from /proc/sys/fs/nr_open.
    private static func kernelCeiling() -> rlim_t? {
        let file = open("/proc/sys/fs/nr_open", O_RDONLY)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.flatMap { rlim_t($0) }
    }
}
