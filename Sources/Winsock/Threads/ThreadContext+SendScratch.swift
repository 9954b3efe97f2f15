/// The send scratch space part of a thread's context: IOV_MAX iovecs, a message header over them, and
/// room for a datagram copied together from more than IOV_MAX buffers, so that a send allocates nothing.
extension ThreadContext {
    /// 64 KiB + headroom for a datagram assembled from more than IOV_MAX buffers.
    func datagramBuffer() -> UnsafeMutableRawPointer {
        if let buffer = datagramScratch { return buffer }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: DatagramLimits.scratchCapacity, alignment: 16)
        datagramScratch = buffer
        return buffer
    }
}
