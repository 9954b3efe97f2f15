import Glibc

/// The send scratch space of a thread: IOV_MAX iovecs, a message header over them, and room for a
/// datagram copied together from more than IOV_MAX buffers, so that a send allocates nothing.
struct SendScratch: ThreadContextPart {
    let unmanagedContext: Unmanaged<ThreadContext>

    /// IOV_MAX iovecs: the most one sendmsg takes.
    @inline(__always)
    var iovecs: UnsafeMutablePointer<iovec> { withContext { $0.iovecs } }

    /// A message header over `iovecs` for the non-overlapped send's one sendmsg: kept here rather than
    /// zeroed and filled on the stack for every call.
    @inline(__always)
    var message: UnsafeMutablePointer<msghdr> { withContext { $0.message } }

    /// 64 KiB + headroom for a datagram assembled from more than IOV_MAX buffers, made on first use.
    func datagramBuffer() -> UnsafeMutableRawPointer {
        withContext { context in
            if let buffer = context.datagramScratch { return buffer }
            let buffer = UnsafeMutableRawPointer.allocate(
                byteCount: DatagramLimits.scratchCapacity, alignment: 16)
            context.datagramScratch = buffer
            return buffer
        }
    }
}

extension ThreadContext {
    /// This thread's send scratch space.
    @inline(__always)
    var sendScratch: SendScratch { SendScratch(unmanagedContext: .passUnretained(self)) }
}
