import Glibc

// glibc's mtrace and muntrace (mcheck.h, which Swift's Glibc module leaves out). Since glibc 2.34 they
// trace only in a process that preloads libc_malloc_debug.so.
@_silgen_name("mtrace") private func glibc_mtrace()
@_silgen_name("muntrace") private func glibc_muntrace()

/// Counts heap allocations with glibc's mtrace, in a child process started with libc_malloc_debug.so
/// preloaded and MALLOC_TRACE naming the trace file (`wrapper` gives both to `ChildProcess.runIsolated`).
///
/// The trace is process-wide: it sees every thread's malloc, calloc, realloc and memalign, so a count is
/// an upper bound of what the code under test allocated.
enum AllocationTrace {
    /// glibc's malloc debugging library, or nil when this machine has none.
    static let debugLibrary: String? = [
        "/lib/x86_64-linux-gnu/libc_malloc_debug.so.0", "/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0",
        "/lib/aarch64-linux-gnu/libc_malloc_debug.so.0", "/usr/lib64/libc_malloc_debug.so.0",
        "/lib64/libc_malloc_debug.so.0",
    ].first { access($0, R_OK) == 0 }

    /// True in a build with AddressSanitizer or ThreadSanitizer, whose allocator takes the place of
    /// glibc's malloc (and so of its trace).
    static let underSanitizer: Bool = ["__asan_init", "__tsan_init"].contains { (name: String) in
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) != nil
    }

    /// `env` arguments that start a child with tracing possible, writing to `file`.
    static func wrapper(writingTo file: String) -> [String] {
        ["env", "LD_PRELOAD=\(debugLibrary ?? "")", "MALLOC_TRACE=\(file)"]
    }

    /// The allocations made (by any thread) while `body` ran, or nil when this process cannot trace.
    static func count(_ body: () -> Void) -> Int? {
        guard let file = getenv("MALLOC_TRACE").map({ String(cString: $0) }) else { return nil }
        glibc_mtrace()
        body()
        glibc_muntrace()
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            text += buffer[0..<count]
        }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        // "= Start" and "= End" frame the trace: without them it did not run (no preloaded library).
        guard lines.first == "= Start", lines.last == "= End" else { return nil }
        // "@ caller + 0xADDRESS 0xSIZE" for an allocation, "> 0xADDRESS 0xSIZE" for realloc's new block.
        return lines.filter { $0.contains(" + 0x") || $0.contains(" > 0x") }.count
    }
}
