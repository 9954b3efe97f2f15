import Glibc
import Synchronization

/// One open socket of the table: its Linux descriptor and the Winsock state Linux does not keep.
///
/// closesocket releases the socket itself at once (`releaseDescriptor`: the peer sees the close, and
/// SO_LINGER applies), but the descriptor *number* stays taken, pointing at /dev/null, until the last
/// reference to the record goes (`deinit`). So a thread still inside a call on the socket, or a
/// thread's lookup cache, can never reach another socket that reused the number.
final class SocketRecord: @unchecked Sendable {
    enum Connection: UInt8 { case never = 0, connecting = 1, connected = 2 }

    let handle: SOCKET
    let fd: Int32
    let family: Int32
    /// SOCK_STREAM or SOCK_DGRAM (Linux's numbers).
    let type: Int32
    let proto: Int32
    /// Sockets from `socket` and from `WSASocket` with WSA_FLAG_OVERLAPPED accept overlapped calls.
    let overlappedAttribute: Bool
    var isStream: Bool { type == SOCK_STREAM }
    var isDatagram: Bool { type == SOCK_DGRAM }

    let nonBlocking = Atomic<Bool>(false)
    private let connectionState = Atomic<UInt8>(Connection.never.rawValue)
    /// The socket has a local address: bind succeeded, or connect bound it (an accepted socket is born
    /// bound). Linux binds a socket itself where Winsock refuses, as in listen; this says which is which.
    let bound = Atomic<Bool>(false)
    /// shutdown(SD_SEND or SD_BOTH) was called: WSASend gives WSAESHUTDOWN before any syscall.
    let sendShutDown = Atomic<Bool>(false)
    /// shutdown(SD_RECEIVE or SD_BOTH) was called: recv gives WSAESHUTDOWN and WSAPoll reports nothing
    /// to read.
    let receiveShutDown = Atomic<Bool>(false)
    /// closesocket (or the last WSACleanup) removed the socket from the table.
    let closed = Atomic<Bool>(false)
    /// SIO_UDP_CONNRESET: report an ICMP port unreachable as WSAECONNRESET (Windows' default).
    let reportsPortUnreachable = Atomic<Bool>(true)
    /// The engine knows the socket (it had an overlapped send), so closing it must cancel there.
    let engineRegistered = Atomic<Bool>(false)
    /// `releaseDescriptor` ran.
    private let descriptorReleased = Atomic<Bool>(false)
    // The one-byte flags above stay together, and the 4-byte timeouts after them: Swift lays a class's
    // stored properties out in declaration order, and flags spread between 8-byte fields padded the
    // record to 153 bytes (a 176-byte heap chunk in each socket; 136 bytes, a 144-byte chunk, now).
    /// SO_SNDTIMEO / SO_RCVTIMEO in milliseconds, 0 for none (Winsock's DWORD form).
    let sendTimeout = Atomic<UInt32>(0)
    let receiveTimeout = Atomic<UInt32>(0)
    /// The peer's address as shutdown found it: Linux forgets it once both directions are closed, while
    /// Windows' getpeername goes on answering.
    let rememberedPeer = RememberedPeer()
    /// SO_SNDBUF / SO_RCVBUF as setsockopt last set them (`bufferSizeUnset` before): Windows reads back
    /// the value set, while Linux keeps and reports twice it (see `getsockopt`).
    let sendBufferSize = Atomic<Int64>(SocketRecord.bufferSizeUnset)
    let receiveBufferSize = Atomic<Int64>(SocketRecord.bufferSizeUnset)
    static let bufferSizeUnset = Int64.min
    /// Threads inside a blocking call (recv, accept, connect, a blocking send, a WSAPoll that may wait);
    /// closesocket wakes them.
    let blockedCalls = Atomic<Int>(0)
    /// The ordered queue every send on this socket goes through.
    let sendQueue: SendQueue
    /// Two counts of the socket's overlapped sends in one word, so that a send's start moves both with
    /// one locked add (two before: callgrind counted 15 locked instructions an operation in event mode
    /// 1x64 with 64 outstanding). The low 32 bits (`outstandingUnit`) count the sends posted and not yet
    /// completed, for the per-socket cap; the high 32 bits (`uncollectedUnit`) the completions the
    /// application has not collected yet (by WSAGetOverlappedResult, its completion routine, or reusing
    /// the structure). Neither half goes below zero (each decrement follows its own increment), so
    /// neither borrows from the other.
    let overlappedCounts = Atomic<Int>(0)
    static let outstandingUnit = 1
    static let uncollectedUnit = 1 << 32
    /// Overlapped sends posted and not yet completed.
    var overlappedOutstanding: Int { overlappedCounts.load(ordering: .relaxed) & (Self.uncollectedUnit - 1) }
    /// Completions not collected yet. While any are left, a new overlapped send on a stream queues behind
    /// them instead of trying to complete inline, so that queued sends are gathered into one sendmsg (a
    /// datagram is one sendmsg either way, so it does not wait).
    var uncollectedCompletions: Int { overlappedCounts.load(ordering: .relaxed) >> 32 }
    /// The socket's last gathered write completed more than one overlapped send: its sends come in
    /// bursts, so the first send of a burst waits for the others instead of being tried at once (see
    /// `sendOverlapped`). Written by whoever writes the socket's queued sends, read by the threads that
    /// issue them; relaxed, as it only steers a choice that is right either way.
    let sendsComeInBursts = Atomic<Bool>(false)
    /// Threads in WSAGetOverlappedResult(fWait: TRUE) on this socket, woken after each completion.
    private let completionWaiters = WaitingThreads()

    init(handle: SOCKET, fd: Int32, family: Int32, type: Int32, proto: Int32, overlapped: Bool) {
        self.handle = handle
        self.fd = fd
        self.family = family
        self.type = type
        self.proto = proto
        self.overlappedAttribute = overlapped
        self.sendQueue = SendQueue()
    }

    deinit {
        system_close(fd)
    }

    /// Closes the socket while keeping its descriptor number reserved (dup2 of /dev/null over it); once.
    func releaseDescriptor() {
        guard !descriptorReleased.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if Placeholder.descriptor >= 0 { _ = system_dup2(Placeholder.descriptor, fd) }
    }

    var connection: Connection {
        get { Connection(rawValue: connectionState.load(ordering: .acquiring)) ?? .never }
        set { connectionState.store(newValue.rawValue, ordering: .releasing) }
    }

    /// True once the socket has a peer: a finished connect, an accepted connection, or a datagram
    /// socket's default peer. A non-blocking connect that has finished since is noticed here.
    @inline(__always)
    var isConnected: Bool {
        // Inline for the connected socket every send sees; the rest is out of line.
        connectionState.load(ordering: .acquiring) == Connection.connected.rawValue || finishedConnecting
    }

    /// A socket that is not connected yet: a non-blocking connect that has finished since is noticed.
    @inline(never)
    private var finishedConnecting: Bool {
        switch connection {
        case .connected: return true
        case .never: return false
        case .connecting:
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let result = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { system_getpeername(fd, $0, &length) }
            }
            if result == 0 { connection = .connected }
            return result == 0
        }
    }

    /// The size of an address of the socket's family: the least an address buffer must hold.
    var addressLength: Int32 {
        Int32(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
    }

    /// The largest datagram Winsock lets through (SO_MAX_MSG_SIZE): the IP maximum less the headers.
    var maxMessageSize: Int {
        family == AF_INET6 ? DatagramLimits.maximumIPv6Payload : DatagramLimits.maximumIPv4Payload
    }

    /// What the errno mapping needs to know about this socket.
    func situation(_ call: ErrnoSituation.Call) -> ErrnoSituation {
        ErrnoSituation(
            call: call, blocking: !nonBlocking.load(ordering: .relaxed), datagram: isDatagram,
            everConnected: connection != .never)
    }

    /// Registers a thread to be woken after the socket's next completions; it re-checks afterwards.
    func addCompletionWaiter(_ context: ThreadContext) { completionWaiters.add(context) }

    func removeCompletionWaiter(_ context: ThreadContext) { completionWaiters.remove(context) }

    /// Wakes the threads waiting in WSAGetOverlappedResult; called after a completion is published.
    @inline(__always)
    func notifyCompletionWaiters() { completionWaiters.wakeAll() }

    /// Wakes threads blocked in calls on this socket, for closesocket: after shutdown their calls return.
    func wakeBlockedCalls() {
        if blockedCalls.load(ordering: .sequentiallyConsistent) > 0 || sendQueue.hasBlockedCallers {
            _ = system_shutdown(fd, Int32(SHUT_RDWR))
        }
    }
}

/// The descriptor a closed socket's number is pointed at: /dev/null, opened once.
private enum Placeholder {
    static let descriptor: Int32 = system_open_devnull()
}
