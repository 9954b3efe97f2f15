import Glibc

/// A thread's scratch space for the send path, so that a call allocates nothing: IOV_MAX iovecs, a
/// message header over them, and room for a datagram copied together from more than IOV_MAX buffers.
struct SendScratch: ~Copyable {
    /// IOV_MAX: the most iovecs one sendmsg takes.
    static let iovecCapacity = Int(IOV_MAX_COUNT)

    let iovecs: UnsafeMutablePointer<iovec>
    /// A message header over `iovecs` for the non-overlapped send's one sendmsg: kept here rather than
    /// zeroed and filled on the stack for every call.
    let message: UnsafeMutablePointer<msghdr>
    /// Created on the first datagram that needs it.
    private var datagramStorage: UnsafeMutableRawPointer?

    init() {
        iovecs = .allocate(capacity: Self.iovecCapacity)
        iovecs.initialize(repeating: iovec(), count: Self.iovecCapacity)
        message = .allocate(capacity: 1)
        message.initialize(to: msghdr())
        message.pointee.msg_iov = iovecs
    }

    deinit {
        iovecs.deallocate()
        message.deallocate()
        datagramStorage?.deallocate()
    }

    /// Room for the largest datagram, assembled from more than IOV_MAX buffers.
    mutating func datagramBuffer() -> UnsafeMutableRawPointer {
        if let buffer = datagramStorage { return buffer }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: DatagramLimits.scratchCapacity, alignment: 16)
        datagramStorage = buffer
        return buffer
    }
}

/// IOV_MAX as Linux defines it (1024); glibc does not export the macro to Swift.
let IOV_MAX_COUNT: Int32 = 1024
