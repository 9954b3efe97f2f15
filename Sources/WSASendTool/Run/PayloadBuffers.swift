import Glibc
import Winsock

/// The memory behind a buffer set: one contiguous region and the WSABUF array (the template) that cuts
/// it into the spec's buffers.
///
/// With the pattern payload the region is written once and shared, read-only, by every connection; with
/// `--file` it belongs to the one connection and is refilled before each set.
final class PayloadBuffers: @unchecked Sendable {
    // Immutable after init except the region's bytes, which only the owning worker writes (file payload).
    let region: UnsafeMutableRawBufferPointer
    let template: UnsafeMutableBufferPointer<WSABUF>
    let totalBytes: UInt64

    /// Lays out `spec`; nil when the memory cannot be had (a set of gigabytes on a small machine).
    init?(spec: BufferSpec, pattern: Bool) {
        let total = Int(spec.totalBytes)
        // posix_memalign rather than allocate(byteCount:): a failure is a message, not a trap. At a page
        // boundary, not wherever malloc's history puts it: with malloc, 4x4096 in event mode with 16
        // outstanding ran 7 % slower in the builds whose payload landed 0xed0 into a page than in those
        // where it landed 0x1a0 in (16 alternating rounds each; the same system calls, the kernel's copy
        // the difference), and page-aligned it ran as the faster ones in every build.
        var aligned: UnsafeMutableRawPointer?
        guard posix_memalign(&aligned, 4096, max(total, 1)) == 0, let memory = aligned else { return nil }
        guard let entries = malloc(max(spec.lengths.count, 1) * MemoryLayout<WSABUF>.stride) else {
            free(memory)
            return nil
        }
        region = UnsafeMutableRawBufferPointer(start: memory, count: total)
        let array = entries.bindMemory(to: WSABUF.self, capacity: max(spec.lengths.count, 1))
        template = UnsafeMutableBufferPointer(start: array, count: spec.lengths.count)
        totalBytes = spec.totalBytes
        var offset = 0
        let base = memory.assumingMemoryBound(to: CChar.self)
        for (index, length) in spec.lengths.enumerated() {
            (array + index).initialize(to: WSABUF(len: length, buf: base + offset))
            offset += Int(length)
        }
        if pattern { Self.writePattern(region) }
    }

    deinit {
        free(region.baseAddress)
        free(template.baseAddress)
    }

    /// Byte `i` of the set is `i % 251`: a prime period, so that a shifted or repeated slice shows in a
    /// byte-by-byte check.
    ///
    /// One period is written byte by byte, then the written part is copied after itself, doubling, so
    /// that a set of gigabytes costs memcpy time, not a byte loop's: 4 GiB took 0.7 s of user time
    /// instead of several seconds. Every copied length is a multiple of 251, so the copy lands in phase.
    /// The kernel's zeroing of the fresh pages remains (seconds of system time for 4 GiB), which is why
    /// the runner says what it is doing first.
    static func writePattern(_ region: UnsafeMutableRawBufferPointer) {
        guard let base = region.baseAddress else { return }
        let period = min(251, region.count)
        for index in 0..<period { region[index] = UInt8(truncatingIfNeeded: index) }
        var written = period
        while written < region.count {
            let length = min(written, region.count - written)
            memcpy(base + written, base, length)
            written += length
        }
    }
}
