import Glibc

/// The backend for machines where io_uring cannot be set up (a container's seccomp profile, an old
/// kernel) or where `WSASEND_BACKEND=poll` asks for it: the engine thread calls sendmsg itself and waits
/// for room with poll.
struct PollBackend: EngineBackend {
    let name: String
    private let wakeFD: Int32
    private var ready: [EngineEvent] = []
    private var waiting: [EngineSocket] = []
    private var descriptors: [pollfd] = []

    init(wakeFD: Int32, reason: String?) {
        self.wakeFD = wakeFD
        name = reason.map { "poll (\($0))" } ?? "poll"
    }

    mutating func startSend(_ socket: EngineSocket) {
        let result = system_sendMessage(socket.record.fd, socket.message, socket.flags | Int32(MSG_DONTWAIT))
        ready.append(.sent(socket, result))
    }

    mutating func startWaitWritable(_ socket: EngineSocket) {
        waiting.append(socket)
    }

    mutating func cancel(_ socket: EngineSocket) {
        if let index = waiting.firstIndex(where: { $0 === socket }) {
            waiting.remove(at: index)
            ready.append(.writable(socket))
        }
    }

    mutating func wait(into events: inout [EngineEvent], timeout limit: UInt64?) {
        descriptors.removeAll(keepingCapacity: true)
        descriptors.append(pollfd(fd: wakeFD, events: Int16(POLLIN_LINUX), revents: 0))
        for socket in waiting {
            descriptors.append(pollfd(fd: socket.record.fd, events: Int16(POLLOUT_LINUX), revents: 0))
        }
        let count = descriptors.count
        let timeout: Int32 =
            !ready.isEmpty ? 0 : limit.map { Int32(clamping: ($0 + 999_999) / 1_000_000) } ?? -1
        let result = descriptors.withUnsafeMutableBufferPointer { system_poll($0.baseAddress!, count, timeout) }
        if result > 0 {
            if descriptors[0].revents != 0 { system_eventfd_drain(wakeFD) }
            var still: [EngineSocket] = []
            for (offset, socket) in waiting.enumerated() {
                if descriptors[offset + 1].revents != 0 {
                    ready.append(.writable(socket))
                } else {
                    still.append(socket)
                }
            }
            waiting = still
        }
        events.append(contentsOf: ready)
        ready.removeAll(keepingCapacity: true)
    }
}
