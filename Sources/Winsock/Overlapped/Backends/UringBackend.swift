import CLiburing
import Glibc

/// The io_uring backend: send, sendmsg and poll requests go to one ring owned by the engine thread.
///
/// Each request's 64-bit `user_data` packs the engine socket's address with a tag in its low bits
/// (NIO's habit): the socket stays alive in the engine's table while a request refers to it.
///
/// The ring is small: its memory is mapped into the process and resident from the start (64 bytes a
/// submission entry, 16 a completion entry), and 4,096 submission entries with the default 8,192
/// completion entries were 400 KB of every overlapped run, a sixtieth of a 10,000-connection run's peak.
/// At most one send or wait for room is in flight per socket (and its cancellation, when one is asked), so
/// a ring smaller than the sockets relies on two things. A burst of requests larger than the submission queue is handed to the
/// kernel a queue at a time, and what has completed by then is taken off the completion queue at once
/// (`entry()`), so that a burst never leaves more completions than the queue holds. Completions that
/// arrive later, while the engine is busy elsewhere (sockets that found room), may outnumber the
/// completion queue: the kernel keeps the rest aside (IORING_FEAT_NODROP, Linux 5.5) and liburing's
/// peek takes them back as the queue empties.
struct UringBackend: EngineBackend {
    let name = "io_uring"
    /// The submission queue: how many requests are prepared before they are handed to the kernel.
    static let submissionEntries: UInt32 = 128
    /// The completion queue: what completes between two of the engine's looks without the kernel having
    /// to keep it aside. 16 bytes an entry.
    static let completionEntries: UInt32 = 4096

    private let ring: UnsafeMutablePointer<io_uring>
    private let wakeFD: Int32
    /// The eventfd read that wakes the engine; its 8 bytes must outlive the request.
    private let wakeBuffer: UnsafeMutablePointer<UInt64>
    private var wakeArmed = false
    /// Completions taken off the ring while requests were being prepared (`entry()`), for the next `wait`.
    private var backlog: [EngineEvent] = []

    private enum Tag: UInt64 {
        case send = 0
        case poll = 1
        case cancel = 2
        case wake = 3
    }

    /// Sets up the ring, or says why it cannot (EPERM under many containers' seccomp, ENOSYS on old
    /// kernels), so that the engine falls back to the poll backend.
    static func make(
        wakeFD: Int32, submissions: UInt32 = submissionEntries, completions: UInt32 = completionEntries
    ) -> Result<UringBackend, UringSetupError> {
        let ring = UnsafeMutablePointer<io_uring>.allocate(capacity: 1)
        ring.initialize(to: io_uring())
        var parameters = io_uring_params()
        parameters.flags = IORING_SETUP_CQSIZE
        parameters.cq_entries = completions
        let status = io_uring_queue_init_params(submissions, ring, &parameters)
        guard status == 0 else {
            ring.deallocate()
            return .failure(UringSetupError(-status))
        }
        return .success(UringBackend(ring: ring, wakeFD: wakeFD))
    }

    /// Closes the ring. The engine's lives as long as the process; the tests make small ones of their own.
    mutating func tearDown() {
        io_uring_queue_exit(ring)
        ring.deallocate()
        wakeBuffer.deallocate()
        backlog.removeAll()
    }

    private init(ring: UnsafeMutablePointer<io_uring>, wakeFD: Int32) {
        self.ring = ring
        self.wakeFD = wakeFD
        wakeBuffer = .allocate(capacity: 1)
        wakeBuffer.initialize(to: 0)
    }

    private static func data(_ socket: EngineSocket, _ tag: Tag) -> UInt64 {
        UInt64(UInt(bitPattern: Unmanaged.passUnretained(socket).toOpaque())) | tag.rawValue
    }

    /// A free submission entry. When the submission queue is full, it goes to the kernel, and whatever has
    /// completed is taken off the completion queue into `backlog`: a burst (10,000 connections' first
    /// sends) then never leaves more completions than the queue holds, and a kernel that refuses to take
    /// submissions while completions wait (EBUSY, on older kernels) finds them taken.
    private mutating func entry() -> UnsafeMutablePointer<io_uring_sqe> {
        while true {
            if let sqe = io_uring_get_sqe(ring) { return sqe }
            _ = io_uring_submit(ring)
            Self.reap(ring, into: &backlog, wakeArmed: &wakeArmed)
        }
    }

    mutating func startSend(_ socket: EngineSocket) {
        let sqe = entry()
        switch Self.request(for: socket.message) {
        case .send(let base, let length):
            io_uring_prep_send(sqe, socket.record.fd, base, length, socket.flags)
        case .sendmsg:
            io_uring_prep_sendmsg(sqe, socket.record.fd, socket.message, UInt32(bitPattern: socket.flags))
        }
        io_uring_sqe_set_data64(sqe, Self.data(socket, .send))
    }

    /// The request that carries a prepared message.
    enum SendRequest: Equatable {
        /// IORING_OP_SEND of one buffer: the kernel copies no msghdr and no iovec array for it (and
        /// keeps no copy of them for a retry), as `sendto` spares them on the other paths.
        case send(UnsafeRawPointer?, Int)
        /// IORING_OP_SENDMSG: several buffers, or a destination address (IORING_OP_SEND takes one only
        /// on recent kernels).
        case sendmsg
    }

    /// IORING_OP_SEND for a message of one buffer to the connected peer, IORING_OP_SENDMSG otherwise.
    static func request(for message: UnsafePointer<msghdr>) -> SendRequest {
        guard message.pointee.msg_iovlen == 1, message.pointee.msg_name == nil,
            message.pointee.msg_controllen == 0, let iov = message.pointee.msg_iov,
            iov.pointee.iov_len <= Int(UInt32.max)
        else { return .sendmsg }
        return .send(UnsafeRawPointer(iov.pointee.iov_base), iov.pointee.iov_len)
    }

    mutating func startWaitWritable(_ socket: EngineSocket) {
        let sqe = entry()
        io_uring_prep_poll_add(sqe, socket.record.fd, UInt32(POLLOUT_LINUX))
        io_uring_sqe_set_data64(sqe, Self.data(socket, .poll))
    }

    mutating func cancel(_ socket: EngineSocket) {
        let target = Self.data(socket, socket.state == .waitingWritable ? .poll : .send)
        let sqe = entry()
        io_uring_prep_cancel64(sqe, target, 0)
        io_uring_sqe_set_data64(sqe, Self.data(socket, .cancel))
    }

    mutating func wait(into events: inout [EngineEvent], timeout: UInt64?) {
        if !wakeArmed {
            let sqe = entry()
            io_uring_prep_read(sqe, wakeFD, wakeBuffer, 8, 0)
            io_uring_sqe_set_data64(sqe, Tag.wake.rawValue)
            wakeArmed = true
        }
        let submitted: Int32
        if !backlog.isEmpty {
            // Completions are already waiting: hand them over without sleeping.
            events.append(contentsOf: backlog)
            backlog.removeAll(keepingCapacity: true)
            submitted = io_uring_submit(ring)
        } else if let timeout {
            var limit = __kernel_timespec(
                tv_sec: Int64(timeout / 1_000_000_000), tv_nsec: Int64(timeout % 1_000_000_000))
            var first: UnsafeMutablePointer<io_uring_cqe>?
            submitted = io_uring_submit_and_wait_timeout(ring, &first, 1, &limit, nil)
        } else {
            submitted = io_uring_submit_and_wait(ring, 1)
        }
        if submitted < 0 && submitted != -EINTR && submitted != -EBUSY && submitted != -EAGAIN
            && submitted != -ETIME
        {
            fatalError("io_uring_submit_and_wait failed: \(-submitted)")
        }
        Self.reap(ring, into: &events, wakeArmed: &wakeArmed)
    }

    /// Whether completions are kept aside by the kernel because the completion queue was full (for tests).
    var completionsOverflowed: Bool { io_uring_cq_has_overflow(ring) }

    /// Takes every completion off the ring (and those the kernel kept aside when it was full) as events.
    private static func reap(
        _ ring: UnsafeMutablePointer<io_uring>, into events: inout [EngineEvent], wakeArmed: inout Bool
    ) {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        while io_uring_peek_cqe(ring, &cqe) == 0, let completion = cqe {
            let data = completion.pointee.user_data
            let result = Int(completion.pointee.res)
            io_uring_cqe_seen(ring, completion)
            guard let tag = Tag(rawValue: data & 3) else { continue }
            switch tag {
            case .wake:
                wakeArmed = false
            case .cancel:
                continue
            case .send, .poll:
                guard let raw = UnsafeMutableRawPointer(bitPattern: UInt(data & ~3)) else { continue }
                let socket = Unmanaged<EngineSocket>.fromOpaque(raw).takeUnretainedValue()
                events.append(tag == .send ? .sent(socket, result) : .writable(socket))
            }
        }
    }
}

/// Why io_uring could not be set up: the errno of io_uring_queue_init, named for the report (a name
/// of its own, so as not to shadow swift-system's `Errno`).
struct UringSetupError: Error, CustomStringConvertible {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String {
        switch code {
        case EPERM: "EPERM"
        case ENOSYS: "ENOSYS"
        case ENOMEM: "ENOMEM"
        case EINVAL: "EINVAL"
        default: "errno \(code)"
        }
    }
}
